import type { ErrorInfo } from "@toolbridge/protocol";
import { ERROR_TYPES, isErrorType, ToolBridgeError } from "@toolbridge/protocol";

/**
 * RFC 9457 problem details carrying the same error types as the gRPC side
 * (ERROR_TYPES gives the HTTP status of each). `type` is a URN naming the error
 * type, so clients can switch on either `type` or `error_type`.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  error_type: string;
  details: Record<string, string>;
  field_violations: { field: string; description: string }[];
  request_id?: string;
  session_id?: string;
  tool_name?: string;
  retry_after_ms?: number;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const TYPE_PREFIX = "urn:toolbridge:error:";
/** Detail keys that have their own problem member. */
const PROMOTED = new Set(["session_id", "tool_name", "request_id", "retry_after_ms"]);

/** HTTP status of an error type; a tool's own error types (ZeroDivisionError...) are 500. */
export function statusOf(errorType: string): number {
  return isErrorType(errorType) ? ERROR_TYPES[errorType].http : ERROR_TYPES.ToolError.http;
}

/** "RateLimitExceeded" -> "Rate limit exceeded". */
function titleOf(errorType: string): string {
  const words = errorType.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface ProblemParts {
  errorType: string;
  message: string;
  details?: Record<string, string>;
  fieldViolations?: readonly { field: string; description: string }[];
  requestId?: string;
  sessionId?: string;
  toolName?: string;
  retryAfterMs?: number;
  status?: number;
}

export function problem(parts: ProblemParts, instance?: string): Problem {
  const details: Record<string, string> = {};
  for (const key in parts.details) if (!PROMOTED.has(key)) details[key] = parts.details[key] as string;
  const out: Problem = {
    type: TYPE_PREFIX + parts.errorType,
    title: titleOf(parts.errorType),
    status: parts.status ?? statusOf(parts.errorType),
    detail: parts.message,
    ...(instance ? { instance } : {}),
    error_type: parts.errorType,
    details,
    field_violations: (parts.fieldViolations ?? []).map((v) => ({ field: v.field, description: v.description })),
  };
  const requestId = parts.requestId || parts.details?.request_id;
  const sessionId = parts.sessionId || parts.details?.session_id;
  const toolName = parts.toolName || parts.details?.tool_name;
  if (requestId) out.request_id = requestId;
  if (sessionId) out.session_id = sessionId;
  if (toolName) out.tool_name = toolName;
  if (parts.retryAfterMs) out.retry_after_ms = parts.retryAfterMs;
  return out;
}

/** A tool outcome that failed (ExecuteToolResponse.error, a batch item, a stream's error chunk). */
export function problemFromInfo(info: ErrorInfo, instance?: string): Problem {
  return problem(
    {
      errorType: info.type || "ToolError",
      message: info.message,
      details: info.details,
      fieldViolations: info.fieldViolations,
      requestId: info.requestId,
      sessionId: info.sessionId,
      toolName: info.toolName,
      retryAfterMs: Number(info.retryAfterMs),
    },
    instance,
  );
}

/** A status failure of the service layer; anything that is not a ToolBridgeError is an internal error. */
export function problemFromError(error: unknown, instance?: string): Problem {
  if (error instanceof ToolBridgeError) {
    return problem(
      {
        errorType: error.errorType,
        message: error.message,
        details: error.details,
        retryAfterMs: Number(error.details.retry_after_ms ?? 0),
      },
      instance,
    );
  }
  return problem({ errorType: "InternalError", message: "internal error" }, instance);
}

/** Retry-After in whole seconds, rounded up (RFC 9110 allows no fractions). */
export function retryAfterSeconds(p: Problem): number | undefined {
  if (p.retry_after_ms === undefined || p.retry_after_ms <= 0) return undefined;
  return Math.ceil(p.retry_after_ms / 1000);
}

/** Thrown by route handlers to answer with a ready problem. */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}
