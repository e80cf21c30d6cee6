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
