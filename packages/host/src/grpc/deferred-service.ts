import type {
  MethodDefinition,
  Server,
  ServerErrorResponse,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";

/** One method of a service built on first use: what grpc-js needs to route a call before the build. */
export interface DeferredMethod {
  name: string;
  requestStream: boolean;
  responseStream: boolean;
}

/** A method as its library registers it: the wire definition and the handler, by method path. */
interface BuiltMethod {
  definition: MethodDefinition<unknown, unknown>;
  handler: (...args: unknown[]) => void;
}

export type BuiltMethods = ReadonlyMap<string, BuiltMethod>;

/**
 * Records what `register(server)` would add to a grpc-js server, so a library's own
 * addToServer can build its services without a server at hand.
 */
export function recordServices(register: (server: Server) => void): BuiltMethods {
  const methods = new Map<string, BuiltMethod>();
  const recorder = {
    addService(service: ServiceDefinition, implementation: UntypedServiceImplementation) {
      for (const [name, definition] of Object.entries(service)) {
        const original = (definition as { originalName?: string }).originalName;
        const handler = implementation[name] ?? (original === undefined ? undefined : implementation[original]);
        if (handler) methods.set(definition.path, { definition, handler: handler as BuiltMethod["handler"] });
      }
    },
  };
  register(recorder as unknown as Server);
  return methods;
}

/**
 * Adds `service` (e.g. "grpc.health.v1.Health") to the server now, so it answers the
 * moment the server listens, but builds it with `build` on its first call: libraries
 * such as grpc-health-check and @grpc/reflection parse .proto files and descriptor sets
 * when built, which would otherwise cost every host start ~50-130 ms each.
 */
export function addDeferredService(
  server: Server,
  service: string,
  methods: readonly DeferredMethod[],
  build: () => BuiltMethods,
): void {
  let built: BuiltMethods | undefined;
  let failure: Error | undefined;
  const method = (path: string): BuiltMethod => {
    if (failure) throw failure;
    try {
      built ??= build();
    } catch (error) {
      // Said once, on stderr: grpc-js answers a failed request deserializer with a bare
      // "Error deserializing request", so the operator would not learn why otherwise.
      failure = new Error(`cannot build ${service}: ${(error as Error).message}`, { cause: error });
      process.emitWarning(failure);
      throw failure;
    }
    const found = built.get(path);
    if (!found) throw new Error(`${service} has no method ${path}`);
    return found;
  };
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const { name, requestStream, responseStream } of methods) {
    const path = `/${service}/${name}`;
    definition[name] = {
      path,
      requestStream,
      responseStream,
      requestSerialize: (value: unknown) => method(path).definition.requestSerialize(value),
      requestDeserialize: (bytes: Buffer) => method(path).definition.requestDeserialize(bytes),
      responseSerialize: (value: unknown) => method(path).definition.responseSerialize(value),
      responseDeserialize: (bytes: Buffer) => method(path).definition.responseDeserialize(bytes),
    };
    implementation[name] = ((call: { emit(event: "error", error: ServerErrorResponse): void }, callback?: unknown) => {
      let handler: BuiltMethod["handler"];
      try {
        handler = method(path).handler;
      } catch (error) {
        const failure = { code: status.INTERNAL, details: (error as Error).message };
        if (typeof callback === "function") callback(failure);
        else call.emit("error", failure as ServerErrorResponse);
        return;
      }
      handler(call, callback);
    }) as UntypedHandleCall;
  }
  server.addService(definition as ServiceDefinition, implementation);
}
