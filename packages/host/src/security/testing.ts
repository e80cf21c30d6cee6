// Shared by the security specs: the principals they authenticate as, and the audit trail as parsed lines.
import { PassThrough } from "node:stream";
import { Metadata } from "@grpc/grpc-js";

/** Bearer token → principal ("ops" is the admin where a spec makes one). */
export const TEST_TOKENS = {
  "alice-token-0123456789": "alice",
  "bob-token-0123456789ab": "bob",
  "admin-token-0123456789": "ops",
};

/** gRPC metadata carrying `authorization: Bearer TOKEN`. */
export function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** An audit destination for HostOptions.audit, and the events written to it so far. */
export function auditCapture(): { destination: PassThrough; events: Record<string, unknown>[] } {
  const destination = new PassThrough();
  const events: Record<string, unknown>[] = [];
  destination.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) events.push(JSON.parse(line));
  });
  return { destination, events };
}
