import { randomUUID } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema } from "@toolbridge/protocol";

/**
 * What a host writes as the owner of a global tool (`<prefix>own:<tool>`,
 * field = host id): the token of the host's current join, then the ToolSpec
 * bytes. The token changes each time the host advertises all its tools again
 * (joining, or a heartbeat that found its key gone or failed), so the record a
 * host writes after coming back never equals one written before: hosts
 * removing a dead owner's record compare the whole value, and leave a
 * rejoined host's record alone even when the host id and spec are the same.
 */
const TOKEN_LENGTH = 36;

/** A fresh join token (a UUID: always TOKEN_LENGTH ASCII characters). */
export function joinToken(): string {
  return randomUUID();
}

export function ownerRecord(token: string, spec: ToolSpec): Buffer {
  if (token.length !== TOKEN_LENGTH) throw new RangeError(`join token must be ${TOKEN_LENGTH} characters: ${token}`);
  return Buffer.concat([Buffer.from(token, "latin1"), toBinary(ToolSpecSchema, spec)]);
}

/** The spec an owner record carries. */
export function recordSpec(record: Buffer): ToolSpec {
  return fromBinary(ToolSpecSchema, record.subarray(TOKEN_LENGTH));
}
