// Issue 13: Redis Cluster is a drop-in for the session store. A real three-node
// cluster (redis-server with cluster-enabled, joined by redis-cli) runs the same
// contracts as a single server: every per-session script stays in one slot.
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RedisSessionStore } from "../../packages/host/src/store/redis/store.js";
import { expectGrpcFailure } from "../../packages/host/src/testing/client.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import { startHost } from "../../packages/host/src/testing/hosts.js";
import { sessionStoreContract, sharedStoreContract } from "../../packages/host/src/testing/session-store-contract.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { canStartCluster, type RedisCluster, startRedisCluster } from "./redis-cluster.js";

if (!canStartCluster()) {
  console.warn("skipping the Redis Cluster tests: /usr/bin/redis-cli (which creates the cluster) is not installed");
}

describe.skipIf(!canStartCluster())("Redis Cluster", () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 30_000);
  afterAll(() => cluster?.stop());

  // A key prefix per store: the live-session cap of one test does not count another's sessions.
  let n = 0;
  sessionStoreContract("redis cluster", (limits) =>
    RedisSessionStore.connect({ url: cluster.url, keyPrefix: `c${n++}:`, ...limits }),
  );
  sharedStoreContract("redis cluster", async (limits) => {
    const keyPrefix = `s${n++}:`;
    return [
      await RedisSessionStore.connect({ url: cluster.url, keyPrefix, ...limits }),
      await RedisSessionStore.connect({ url: cluster.url, keyPrefix, ...limits }),
    ];
  });

  it("hosts share sessions through the cluster: any host serves any call, retries are deduplicated", async () => {
    let runs = 0;
    const count = defineTool({ name: "count", input: z.object({}), handler: async () => ++runs });
    // Forwarding on (the default): the cluster directory is slot-safe too (redis-cluster-forwarding.spec.ts).
    const [a, b] = await Promise.all([0, 1].map(() => startHost({ store: cluster.url, tools: [count] })));
    try {
      await must(a).client.unary("initializeSession", { sessionId: "on-cluster" });
      await must(b).client.unary("setVariable", { sessionId: "on-cluster", name: "x", value: encodeValue(7) });
      const read = await must(a).client.unary("getVariable", { sessionId: "on-cluster", name: "x" });
      expect(decodeValue(must(read.variable?.value))).toBe(7);
      const call = { sessionId: "on-cluster", toolId: "count", requestId: "once" };
      const first = await must(a).client.unary("executeTool", call);
      const retry = await must(b).client.unary("executeTool", call);
      expect([first, retry].map((r) => decodeValue(must(r.result)))).toEqual([1, 1]);
      await must(b).client.unary("cleanupSession", { sessionId: "on-cluster" });
      const after = await expectGrpcFailure(must(a).client.unary("getSessionInfo", { sessionId: "on-cluster" }));
      expect(after.info?.type).toBe("SessionExpired");
    } finally {
      await Promise.all([a, b].map((h) => h?.stop()));
    }
  });

  it("spreads sessions over the nodes: their key shards hash to slots on every node", async () => {
    const store = await RedisSessionStore.connect({ url: cluster.url, keyPrefix: `spread${n++}:` });
    try {
      const nodes = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const id = `spread-${i}`;
        await store.createSession(id, {});
        // CLUSTER KEYSLOT is answered by any node; the slot map says which node holds it.
        const sessionKey = store.keys.session(id)[0] as string;
        nodes.add(await nodeOf(store, sessionKey));
      }
      expect(nodes.size).toBe(cluster.ports.length);
      expect(await store.countSessions()).toBe(40);
    } finally {
      await store.close();
    }
  });
});

/** Address of the node serving a key's slot. */
async function nodeOf(store: RedisSessionStore, key: string): Promise<string> {
  const slot = (await store.redis.command(["CLUSTER", "KEYSLOT", key])) as number;
  const ranges = (await store.redis.command(["CLUSTER", "SLOTS"])) as [number, number, [Buffer, number]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`slot ${slot} is not served`);
  return `${range[2][0].toString()}:${range[2][1]}`;
}
