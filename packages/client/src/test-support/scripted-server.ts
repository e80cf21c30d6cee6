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
 * host never sends (malformed bytes, broken stream sequences), or to look at
 * what the client sends (credentials, metadata).
 */
export interface ScriptedServer {
  readonly address: string;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Methods whose handlers answer with raw response bytes. */
  rawResponses?: readonly string[];
  /** Default: insecure. */
  credentials?: ServerCredentials;
}

export async function startScriptedServer(
  handlers: UntypedServiceImplementation,
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = { ...bridgeServiceDefinition };
  for (const name of options.rawResponses ?? []) {
    const method = definition[name];
    if (method === undefined) throw new TypeError(`no method ${name}`);
    definition[name] = { ...method, responseSerialize: (bytes: Buffer) => bytes } as MethodDefinition<unknown, unknown>;
  }
  const server = new Server();
  server.addService(definition as ServiceDefinition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", options.credentials ?? ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: async () => server.forceShutdown(),
  };
}
