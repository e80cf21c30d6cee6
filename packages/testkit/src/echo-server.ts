import { createServer, type Server, type Socket } from "node:net";

export interface EchoServer {
  readonly port: number;
  /** "127.0.0.1:PORT" */
  readonly address: string;
  /** Sockets accepted since start. */
  readonly accepted: Socket[];
  close(): Promise<void>;
}

/**
 * A TCP echo server on 127.0.0.1:0 for proxy tests. It honours half-close: when the client
 * ends its side, the server ends its side after echoing everything received.
 */
export async function startEchoServer(): Promise<EchoServer> {
  const accepted: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const bound = server.address();
  const port = bound && typeof bound === "object" ? bound.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
