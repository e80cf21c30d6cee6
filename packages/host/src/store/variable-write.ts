import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Variable, VariableMetadataSchema, VariableSchema } from "@toolbridge/protocol";
import { hostError } from "../errors.js";
import type { VariableWrite } from "./types.js";

// Rules of a variable write shared by every SessionStore, so all stores agree.

/**
 * The variable a write produces on top of the current one: version + 1, the
 * first writer and creation time kept, type/tags/description kept unless given.
 */
export function nextVariable(previous: Variable | undefined, write: VariableWrite, now: Timestamp): Variable {
  const meta = previous?.metadata;
  return create(VariableSchema, {
    name: write.name,
    value: write.value,
    metadata: create(VariableMetadataSchema, {
      type: write.type || meta?.type || "",
      createdAt: meta?.createdAt ?? now,
      updatedAt: now,
      createdBy: meta?.createdBy ?? write.createdBy ?? "",
      tags: write.tags && write.tags.length > 0 ? [...write.tags] : (meta?.tags ?? []),
      version: (meta?.version ?? 0n) + 1n,
      description: write.description || meta?.description || "",
    }),
  });
}

export function nowTimestamp(): Timestamp {
  return timestampFromMs(Date.now());
}

/** Conflict: optimistic concurrency failed (the current version is not the expected one). */
export function conflict(sessionId: string, name: string, expected: bigint, actual: string) {
  return hostError("Conflict", `variable ${name} is at version ${actual}, not the expected ${expected}`, {
    session_id: sessionId,
    name,
    expected_version: String(expected),
    actual_version: actual,
  });
}

/** How much one session may hold in variables; every store enforces it on setVariable. */
export interface VariableBudget {
  /** Variables at most (10,000); a new name beyond it is ResourceExhausted. */
  maxVariablesPerSession: number;
  /** Bytes of all its variables at most (64 MiB); a write that would pass it is ResourceExhausted. */
  maxVariableBytesPerSession: number;
}

export const DEFAULT_VARIABLE_BUDGET: VariableBudget = {
  maxVariablesPerSession: 10_000,
  maxVariableBytesPerSession: 64 * 1024 * 1024,
};

export function variableBudget(options: Partial<VariableBudget>): VariableBudget {
  return {
    maxVariablesPerSession: options.maxVariablesPerSession ?? DEFAULT_VARIABLE_BUDGET.maxVariablesPerSession,
    maxVariableBytesPerSession:
      options.maxVariableBytesPerSession ?? DEFAULT_VARIABLE_BUDGET.maxVariableBytesPerSession,
  };
}

/** ResourceExhausted: a new variable would pass the session's count limit. */
export function tooManyVariables(sessionId: string, name: string, limit: number) {
  return hostError("ResourceExhausted", `session ${sessionId} holds ${limit} variables (limit); ${name} not added`, {
    session_id: sessionId,
    name,
    max_variables_per_session: String(limit),
  });
}

/** ResourceExhausted: the write would pass the session's byte budget. */
export function tooManyVariableBytes(sessionId: string, name: string, limit: number, wouldHold: number) {
  return hostError(
    "ResourceExhausted",
    `variable ${name}: session ${sessionId} would hold ${wouldHold} bytes of variables (limit ${limit})`,
    { session_id: sessionId, name, max_variable_bytes_per_session: String(limit), would_hold: String(wouldHold) },
  );
}
