// createHost failing part-way (bad security config, port taken) closes what it had opened:
// the Redis store's connections above all, which would otherwise keep the process alive.
import { createServer } from "node:net";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../test/scale-out/redis-server.js";
import { createHost } from "./host.js";

let redis: RedisServer;
let inspector: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  inspector = createClient({ url: redis.url });
  await inspector.connect();
});
afterAll(async () => {
  await inspector.quit();
  await redis.stop();
});

/** Resolves once the server has only the inspector's connection left (the test's timeout bounds the wait). */
async function onlyInspectorLeft(): Promise<void> {
  while ((await redisClients()) !== 1) await new Promise((r) => setTimeout(r, 10));
}

/** Connections the Redis server has open, the inspector's own included. */
async function redisClients(): Promise<number> {
  const list = await inspector.sendCommand<string>(["CLIENT", "LIST"]);
  return list.split("\n").filter((line) => line.trim() !== "").length;
}

describe("createHost cleans up after a failed start", () => {
  it("a rejected security config closes the Redis store it opened", async () => {
    expect(await redisClients()).toBe(1);
    await expect(createHost({ port: 0, logLevel: "silent", store: redis.url, auth: {} })).rejects.toThrow(
      /auth needs tokens/,
    );
    await onlyInspectorLeft();
  });

  it("a taken port closes the Redis store too", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      await expect(
        createHost({ port, host: "127.0.0.1", logLevel: "silent", store: redis.url, cluster: false }),
      ).rejects.toThrow();
      await onlyInspectorLeft();
    } finally {
      squatter.close();
    }
  });
});
