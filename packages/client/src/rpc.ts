import type {
  Client,
  ClientReadableStream,
  ClientUnaryCall,
  CallOptions as GrpcCallOptions,
  Metadata,
  ServiceError,
} from "@grpc/grpc-js";

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: GrpcCallOptions,
  callback: (error: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall;

export type ServerStreamMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: GrpcCallOptions,
) => ClientReadableStream<Res>;

/** Looks a method up on the generic grpc-js client once, keeping `this` bound. */
export function unaryMethod<Req, Res>(client: Client, name: string): UnaryMethod<Req, Res> {
  const method = (client as unknown as Record<string, UnaryMethod<Req, Res>>)[name];
  if (method === undefined) throw new TypeError(`BridgeService has no method ${name}`);
  return method.bind(client);
}

export function serverStreamMethod<Req, Res>(client: Client, name: string): ServerStreamMethod<Req, Res> {
  const method = (client as unknown as Record<string, ServerStreamMethod<Req, Res>>)[name];
  if (method === undefined) throw new TypeError(`BridgeService has no method ${name}`);
  return method.bind(client);
}

/**
 * One unary call as a promise. Rejects with the raw grpc-js ServiceError (the
 * caller maps it with callError, knowing the context); the abort listener exists only when a
 * signal is given, so the common path allocates nothing extra.
 */
export function callUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    if (signal === undefined) {
      method(request, metadata, { deadline }, (error, response) => {
        if (error) reject(error);
        else resolve(response as Res);
      });
      return;
    }
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => call.cancel();
    const call = method(request, metadata, { deadline }, (error, response) => {
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(response as Res);
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
