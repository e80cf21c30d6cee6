import { createServer } from "node:net";

/**
 * A TCP port that was free on 127.0.0.1 a moment ago. Prefer listening on port 0 directly;
 * this is for processes that must be told their port up front (the port can be taken in between).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const bound = server.address();
      server.close(() => (bound && typeof bound === "object" ? resolve(bound.port) : reject(new Error("no port"))));
    });
  });
}
