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

/**
 * Stands in for a request that does not decode (truncated or garbled protobuf,
 * invalid UTF-8 in a string field). grpc-js would answer a bare INTERNAL
 * "Error deserializing request"; the handler answers InvalidArgument with an
 * ErrorInfo instead. Only for methods without a request stream.
 */
export class UndecodableRequest {
  constructor(
    readonly method: string,
    readonly reason: string,
  ) {}

  toError() {
    return hostError("InvalidArgument", `${this.method} request is not a valid message: ${this.reason}`, {
      method: this.method,
    });
  }
}

/** The service definition with request deserializers that check the size first. */
export function withRequestLimit(definition: ServiceDefinition, limit: number): ServiceDefinition {
  const limited: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize;
    const decodeOrReject = method.requestStream ? decode : (bytes: Buffer) => decodeSingle(name, decode, bytes);
    limited[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) =>
        bytes.byteLength > limit ? new OversizedRequest(name, bytes.byteLength, limit) : decodeOrReject(bytes),
    };
  }
  return limited as ServiceDefinition;
}

function decodeSingle(method: string, decode: (bytes: Buffer) => unknown, bytes: Buffer): unknown {
  try {
    return decode(bytes);
  } catch (error) {
    return new UndecodableRequest(method, error instanceof Error ? error.message : String(error));
  }
}
