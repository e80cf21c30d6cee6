import { ToolBridgeError } from "@toolbridge/protocol";

/**
 * Bounds on the free-form parts of a request that the message size alone does
 * not bound usefully: a 10 MB session id or a metadata map of a million
 * entries is kept in memory for the session's whole life. Same id length as the
 * gateway's path parameters (256).
 */
export const REQUEST_LIMITS = {
  /** session_id, tool_id, request_id, stream_id, agent_id, variable name, prefix, cursor, type, created_by. */
  maxIdChars: 256,
  /** Entries of InitializeSession metadata and of a call's context map. */
  maxMapEntries: 64,
  maxMapKeyChars: 256,
  maxMapValueChars: 4096,
  /** Tags of a variable (and tag filters of ListVariables). */
  maxTags: 64,
  /** Exact names one WatchVariables may list. */
  maxWatchNames: 1000,
  /** Free text: a variable's description. */
  maxDescriptionChars: 4096,
  /** SessionConfig.idle_ttl_ms: a client cannot make its session outlive a day of silence. */
  maxIdleTtlMs: 24 * 60 * 60 * 1000,
  /** An agent's signature ("question -> answer"), kept with the agent for the session's life. */
  maxSignatureChars: 4096,
  /** An agent's instructions (its prompt), likewise kept. */
  maxInstructionsChars: 65_536,
  /** Tools one agent may be limited to (tool_names). */
  maxAgentTools: 1000,
} as const;

/** Free text and its length limit. */
const TEXT_FIELDS: readonly [string, number][] = [
  ["description", REQUEST_LIMITS.maxDescriptionChars],
  ["signature", REQUEST_LIMITS.maxSignatureChars],
  ["instructions", REQUEST_LIMITS.maxInstructionsChars],
];

const ID_FIELDS = [
  "sessionId",
  "toolId",
  "requestId",
  "streamId",
  "agentId",
  "name",
  "prefix",
  "cursor",
  "type",
  "createdBy",
];
const MAP_FIELDS = ["metadata", "context"];
/** Lists of short strings (each at most maxIdChars) and how many entries each may have. */
const LIST_FIELDS: readonly [string, number][] = [
  ["tags", REQUEST_LIMITS.maxTags],
  ["names", REQUEST_LIMITS.maxWatchNames],
  ["toolNames", REQUEST_LIMITS.maxAgentTools],
];

function violation(field: string, message: string, limit: number): ToolBridgeError {
  return new ToolBridgeError("InvalidArgument", `${field}: ${message} (limit ${limit})`, {
    details: { field, limit: String(limit) },
  });
}

/** The first limit a request breaks, as an InvalidArgument error, or undefined. Cheap: a few property reads. */
export function requestLimitViolation(request: unknown): ToolBridgeError | undefined {
  if (typeof request !== "object" || request === null) return undefined;
  const r = request as Record<string, unknown>;
  for (const field of ID_FIELDS) {
    const value = r[field];
    if (typeof value === "string" && value.length > REQUEST_LIMITS.maxIdChars) {
      return violation(field, `${value.length} characters is too long`, REQUEST_LIMITS.maxIdChars);
    }
  }
  for (const field of MAP_FIELDS) {
    const map = r[field];
    if (typeof map !== "object" || map === null) continue;
    const problem = mapViolation(field, map as Record<string, unknown>);
    if (problem) return problem;
  }
  for (const [field, max] of LIST_FIELDS) {
    const list = r[field];
    if (!Array.isArray(list)) continue;
    if (list.length > max) return violation(field, `${list.length} entries are too many`, max);
    for (const item of list) {
      if (typeof item === "string" && item.length > REQUEST_LIMITS.maxIdChars) {
        return violation(field, `an entry of ${item.length} characters is too long`, REQUEST_LIMITS.maxIdChars);
      }
    }
  }
  for (const [field, max] of TEXT_FIELDS) {
    const text = r[field];
    if (typeof text === "string" && text.length > max)
      return violation(field, `${text.length} characters is too long`, max);
  }
  const model = (r.llm as { model?: unknown } | undefined)?.model;
  if (typeof model === "string" && model.length > REQUEST_LIMITS.maxIdChars) {
    return violation("llm.model", `${model.length} characters is too long`, REQUEST_LIMITS.maxIdChars);
  }
  const ttl = (r.config as { idleTtlMs?: unknown } | undefined)?.idleTtlMs;
  if (typeof ttl === "bigint" && ttl > BigInt(REQUEST_LIMITS.maxIdleTtlMs)) {
    return violation("config.idle_ttl_ms", `${ttl} ms is too long`, REQUEST_LIMITS.maxIdleTtlMs);
  }
  if (Array.isArray(r.items)) {
    for (const [i, item] of r.items.entries()) {
      const problem = requestLimitViolation({ toolId: item?.toolId, requestId: item?.requestId });
      if (problem) return violation(`items[${i}]`, problem.message, REQUEST_LIMITS.maxIdChars);
    }
  }
  return undefined;
}

function mapViolation(field: string, map: Record<string, unknown>): ToolBridgeError | undefined {
  const keys = Object.keys(map);
  if (keys.length > REQUEST_LIMITS.maxMapEntries)
    return violation(field, `${keys.length} entries are too many`, REQUEST_LIMITS.maxMapEntries);
  for (const key of keys) {
    if (key.length > REQUEST_LIMITS.maxMapKeyChars)
      return violation(field, `a key of ${key.length} characters is too long`, REQUEST_LIMITS.maxMapKeyChars);
    const value = map[key];
    if (typeof value === "string" && value.length > REQUEST_LIMITS.maxMapValueChars) {
      return violation(`${field}.${key}`, `${value.length} characters is too long`, REQUEST_LIMITS.maxMapValueChars);
    }
  }
  return undefined;
}
