// Test helper (not built into dist): a raw grpc-js client of BridgeService.
import { create, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientReadableStream,
  credentials,
  type Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { BridgeService, bridgeServiceDefinition, type ErrorInfo, errorInfoFromMetadata } from "@toolbridge/protocol";

type Methods = typeof BridgeService.method;
type In<K extends keyof Methods> = MessageInitShape<Methods[K]["input"]>;
type Out<K extends keyof Methods> = MessageShape<Methods[K]["output"]>;

const BridgeClient = makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");

/** Call options, or the call's metadata (grpc-js takes either in that position). */
type CallSettings = CallOptions | Metadata;

export interface TestClient {
  unary<K extends keyof Methods>(method: K, request: In<K>, options?: CallSettings): Promise<Out<K>>;
  stream<K extends keyof Methods>(method: K, request: In<K>, options?: CallSettings): ClientReadableStream<Out<K>>;
  /** Reads a whole server stream. */
  collect<K extends keyof Methods>(method: K, request: In<K>, options?: CallSettings): Promise<Out<K>[]>;
  readonly raw: Client;
  close(): void;
}

export function testClient(
  address: string,
  channelOptions: Record<string, number> = {},
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): TestClient {
  const raw = new BridgeClient(address, channelCredentials, channelOptions);
  const untyped = raw as unknown as Record<string, (...args: unknown[]) => unknown>;
  const client: TestClient = {
    raw,
    unary(method, request, options = {}) {
      const desc = BridgeService.method[method];
      return new Promise((resolve, reject) => {
        untyped[desc.name]?.call(
          raw,
          create(desc.input, request as never),
          options,
          (error: unknown, response: never) => (error ? reject(error) : resolve(response)),
        );
      });
    },
    stream(method, request, options = {}) {
      const desc = BridgeService.method[method];
      return untyped[desc.name]?.call(raw, create(desc.input, request as never), options) as never;
    },
    async collect(method, request, options) {
      const out = [];
      for await (const chunk of client.stream(method, request, options)) out.push(chunk);
      return out as never;
    },
    close: () => raw.close(),
  };
  return client;
}

/** The gRPC status code and ErrorInfo of a failed call. */
export function grpcFailure(error: unknown): { code: number; info: ErrorInfo | undefined; error: ServiceError } {
  const e = error as ServiceError;
  if (typeof e?.code !== "number") throw error;
  return { code: e.code, info: errorInfoFromMetadata(e.metadata), error: e };
}

/** Awaits a call that must fail with a gRPC status. */
export async function expectGrpcFailure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return grpcFailure(error);
  }
  throw new Error("expected the call to fail");
}
