import { createServer, type Server as NetServer } from "node:net";
import type { Server, ServerCredentials } from "@grpc/grpc-js";
import type { ConnectionLimit } from "./connection-limit.js";

/** How long a new gRPC connection may take to send its first bytes unless HostOptions.handshakeTimeoutMs says otherwise. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The HTTP/2 client preface; a TLS ClientHello is longer. A client sends either as soon as it connects. */
const FIRST_BYTES = 24;

export interface GrpcListener {
  /** The port actually bound. */
  readonly port: number;
  /** Stops accepting connections (those open are grpc-js's to close). */
  stopAccepting(): void;
  /** Destroys connections still open, after grpc-js has shut down. */
  destroyOpen(): void;
}

/**
 * Serves `server` on a TCP listener of our own, capped by `limit`, instead of
 * `bindAsync` (whose listener grpc-js keeps private): each accepted socket is
 * handed to grpc-js's connection injector, which runs the same TLS, HTTP/2,
 * keepalive and channelz setup as a port it bound itself. A connection that has
 * not sent its first bytes within `handshakeTimeoutMs` is closed, so silent
 * connections cannot fill the cap.
 */
export async function listenGrpc(
  server: Server,
  credentials: ServerCredentials,
  at: { host: string; port: number; handshakeTimeoutMs: number },
  limit: ConnectionLimit,
  onError: (error: Error) => void,
): Promise<GrpcListener> {
  if (!Number.isInteger(at.handshakeTimeoutMs) || at.handshakeTimeoutMs < 1) {
    throw new RangeError(`handshakeTimeoutMs must be an integer >= 1, got ${at.handshakeTimeoutMs}`);
  }
  const injector = server.createConnectionInjector(credentials);
  const listener = createServer((socket) => {
    // A connection that says nothing would hold a slot under the cap for good: grpc-js's
    // keepalive does not end it (observed: still open after 120 s), and TLS's own timeout is 120 s.
    const timer = setTimeout(() => {
      if (socket.bytesRead < FIRST_BYTES) socket.destroy();
    }, at.handshakeTimeoutMs).unref();
    socket.once("close", () => clearTimeout(timer));
    injector.injectConnection(socket);
  });
  limit.attach(listener);
  const bound = await listen(listener, at.host, at.port);
  // Accept failures (EMFILE...) are emitted as errors; unhandled, they would end the process.
  listener.on("error", onError);
  return {
    port: bound,
    stopAccepting: () => {
      if (listener.listening) listener.close();
    },
    destroyOpen: () => limit.destroyOpen(),
  };
}

function listen(listener: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once("error", reject);
    listener.listen({ host, port }, () => {
      listener.off("error", reject);
      const address = listener.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}
