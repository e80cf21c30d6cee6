import { randomUUID } from "node:crypto";

/**
 * Idempotency keys for calls that do not bring their own: one random prefix
 * per connection plus a counter. Unique like a UUID per call (prefixes differ
 * between connections and processes) at a tenth of randomUUID's cost on the
 * hot path.
 */
export function requestIdGenerator(): () => string {
  const prefix = randomUUID();
  let counter = 0;
  return () => `${prefix}.${(counter++).toString(36)}`;
}
