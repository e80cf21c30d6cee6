import {
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { bridgeServiceDefinition } from "@toolbridge/protocol";

/**
 * A test double at the wire boundary: a real grpc-js server for
 * BridgeService whose handlers the test scripts, to produce what a correct
 * host never sends (malformed bytes, broken stream sequences). Methods listed
 * in `rawResponses` send handler-supplied Buffers as the response bytes.
 */
export interface ScriptedServer {
  readonly address: string;
  close(): Promise<void>;
}

export async function startScriptedServer(
  handlers: UntypedServiceImplementation,
  rawResponses: readonly string[] = [],
): Promise<ScriptedServer> {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = { ...bridgeServiceDefinition };
  for (const name of rawResponses) {
    const method = definition[name];
    if (method === undefined) throw new TypeError(`no method ${name}`);
    definition[name] = { ...method, responseSerialize: (bytes: Buffer) => bytes } as MethodDefinition<unknown, unknown>;
  }
  const server = new Server();
  server.addService(definition as ServiceDefinition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: async () => server.forceShutdown(),
  };
}
