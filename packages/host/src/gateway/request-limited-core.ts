import type { BridgeCore } from "../core/bridge-core.js";
import { requestLimitViolation } from "../security/request-limits.js";

/**
 * The BridgeCore the gateway's routes call, with REQUEST_LIMITS applied to
 * every request first, exactly as the gRPC adapter applies them: the routes
 * build the same protobuf requests, so the same check sees the same fields
 * (ids, metadata and context maps, tags, description, idle TTL, batch items).
 * A violation is the same InvalidArgument, answered as HTTP 400 problem+json.
 */
export function requestLimitedCore(core: BridgeCore): BridgeCore {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(core, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      let method = wrapped.get(key);
      if (!method) {
        method = (request: unknown, ...rest: unknown[]) => {
          const violation = requestLimitViolation(request);
          if (violation) throw violation;
          return (value as (...args: unknown[]) => unknown).call(target, request, ...rest);
        };
        wrapped.set(key, method);
      }
      return method;
    },
  });
}
