import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { hostError } from "../errors.js";

/**
 * Stands in for a request over the message limit. grpc-js would reject it with
 * its own wording and no ErrorInfo; instead the deserializer hands this marker
 * to the handler, which answers RESOURCE_EXHAUSTED / MessageTooLarge. Handlers
 * of request streams (ConnectWorker) receive it as a message and must check for it.
 */
export class OversizedRequest {
  constructor(
    readonly method: string,
    readonly size: number,
    readonly limit: number,
  ) {}

  toError() {
    return hostError(
      "MessageTooLarge",
      `message too large: ${this.method} request is ${this.size} bytes, over the ${this.limit}-byte limit`,
      { size: String(this.size), limit: String(this.limit) },
    );
  }
}

/** The service definition with request deserializers that check the size first. */
export function withRequestLimit(definition: ServiceDefinition, limit: number): ServiceDefinition {
  const limited: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize;
    limited[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) =>
        bytes.byteLength > limit ? new OversizedRequest(name, bytes.byteLength, limit) : decode(bytes),
    };
  }
  return limited as ServiceDefinition;
}
