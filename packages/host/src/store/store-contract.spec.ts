// The SessionStore contract, run against both stores, plus what only a shared store promises.
import { afterAll, beforeAll } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/scale-out/redis-server.js";
import { sessionStoreContract } from "../testing/session-store-contract.js";
import { MemorySessionStore } from "./memory.js";
import { RedisSessionStore } from "./redis/store.js";
import { sharedStoreContract } from "./store-contract.js";

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
sharedStoreContract("redis", async (limits) => {
  const keyPrefix = `s${n++}:`;
  return [
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
  ];
});
