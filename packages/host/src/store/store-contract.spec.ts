// The SessionStore contract, run against both stores, plus what only a shared store
// promises (two store instances stand for two hosts pointing at the same server).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/scale-out/redis-server.js";
import { rejection, sessionStoreContract, sharedStoreContract } from "../testing/session-store-contract.js";
import { MemorySessionStore } from "./memory.js";
import { RedisSessionStore } from "./redis/store.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

sessionStoreContract("memory", (limits) => new MemorySessionStore(limits));
// A key prefix per store: the live-session cap of one test does not count another's sessions.
let n = 0;
const redisStore = (limits: { maxSessions: number; maxWatchBacklog: number }) =>
  RedisSessionStore.connect({ url: redis.url, keyPrefix: `c${n++}:`, ...limits });
sessionStoreContract("redis", redisStore);
// Sessions spread over key shards (the Redis Cluster layout) keep the same contract, the cap included.
sessionStoreContract("redis, 4 key shards", (limits) =>
  RedisSessionStore.connect({ url: redis.url, keyPrefix: `k${n++}:`, keyShards: 4, ...limits }),
);
sharedStoreContract("redis", async (limits) => {
  const keyPrefix = `s${n++}:`;
  return [
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
  ];
});

describe("RedisSessionStore idle expiry", () => {
  it("a session with calls in flight on this host is kept alive past its idle TTL", async () => {
    let busy = true;
    const store = await RedisSessionStore.connect({
      url: redis.url,
      keyPrefix: `busy${n++}:`,
      sweepIntervalMs: 20,
      isBusy: () => busy,
    });
    try {
      await store.createSession("long-call", { idleTtlMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await store.getSession("long-call")).id).toBe("long-call");
      busy = false;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await rejection(store.getSession("long-call"))).code).toBe("SessionExpired");
    } finally {
      await store.close();
    }
  });
});
