// Issue 13: the cluster directory forgets a global tool's owner once its heartbeat is gone,
// and deleting that owner's records never deletes a record written again meanwhile (the
// same host rejoining, or another host advertising the tool). On a single redis-server
// and on a three-node Redis Cluster (every script touches one slot).
import { create } from "@bufbuild/protobuf";
import { ToolSpecSchema } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterDirectory } from "../../packages/host/src/cluster/directory.js";
import { joinToken, ownerRecord } from "../../packages/host/src/cluster/owner-record.js";
import type { RedisConnection } from "../../packages/host/src/store/redis/connection.js";
import { RedisKeys } from "../../packages/host/src/store/redis/keys.js";
import { RedisSessionStore } from "../../packages/host/src/store/redis/store.js";
import { directoryProbe } from "./directory-probe.js";
import { canStartCluster, startRedisCluster } from "./redis-cluster.js";
import { startRedis } from "./redis-server.js";

const spec = create(ToolSpecSchema, { name: "lookup_me", toolId: "lookup-me-id", description: "d" });
const TTL = 60_000;

interface Target {
  readonly name: string;
  readonly skip: boolean;
  start(): Promise<{ url: string; stop(): Promise<void> }>;
}
const targets: Target[] = [
  { name: "redis-server", skip: false, start: startRedis },
  { name: "Redis Cluster", skip: !canStartCluster(), start: () => startRedisCluster() },
];

describe.each(targets)("dead owners' records on $name", (target) => {
  let server: { url: string; stop(): Promise<void> } | undefined;
  let store: RedisSessionStore;
  let prefix = 0;
  beforeAll(async () => {
    if (target.skip) return;
    server = await target.start();
    store = await RedisSessionStore.connect({ url: server.url });
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  /**
   * A directory on its own key prefix (tests stay apart). `beforeDelete` runs once, just
   * before the first owner-record deletion reaches Redis: a test double at the Redis
   * boundary standing for another host writing between this host's read and its delete.
   */
  const setup = async () => {
    const keys = new RedisKeys(`dor${prefix++}:`, store.keys.shards);
    const hooks: { beforeDelete?: () => Promise<void> } = {};
    const interposed = new Proxy(store.redis, {
      get(real, property) {
        if (property === "eval") {
          return async (...args: Parameters<RedisConnection["eval"]>) => {
            const hook = hooks.beforeDelete;
            if (hook && args[1][0]?.startsWith(keys.globalOwners(""))) {
              hooks.beforeDelete = undefined;
              await hook();
            }
            return real.eval(...args);
          };
        }
        const value = Reflect.get(real, property, real) as unknown;
        return typeof value === "function" ? value.bind(real) : value;
      },
    });
    const directory = new ClusterDirectory(interposed, keys);
    const plain = new ClusterDirectory(store.redis, keys);
    await plain.beat("caller", "127.0.0.1:1", TTL, "s");
    const probe = directoryProbe(store.redis, keys);
    const ownersOf = probe.owners;
    const indexed = () => probe.indexed(spec.name);
    const record = (hostId: string) => probe.record(spec.name, hostId);
    return { directory, plain, hooks, ownersOf, indexed, record };
  };

  it.skipIf(target.skip)(
    "an owner without heartbeat is skipped by lookups and listings, and its records and name are deleted",
    async () => {
      const { directory, plain, ownersOf, indexed } = await setup();
      await plain.advertise("gone", joinToken(), spec);
      // Never beat (as after its key expired): already not an owner, before any cleanup.
      expect(await directory.lookup("caller", "no-session", spec.name)).toBeUndefined();
      expect(await directory.lookup("caller", "no-session", spec.toolId)).toBeUndefined();
      expect([...(await directory.globalTools("caller")).keys()]).toEqual([]);
      expect(await ownersOf(spec.name)).toEqual([]);
      expect(await ownersOf(spec.toolId)).toEqual([]);
      expect(await indexed()).toBe(false);
    },
  );

  it.skipIf(target.skip)("a second, live owner takes over and keeps its record", async () => {
    const { directory, plain, ownersOf, indexed } = await setup();
    await plain.advertise("gone", joinToken(), spec);
    await plain.beat("alive", "127.0.0.1:2", TTL, "s");
    await plain.advertise("alive", joinToken(), spec);
    expect(await directory.lookup("caller", "no-session", spec.toolId)).toMatchObject({
      hostId: "alive",
      address: "127.0.0.1:2",
    });
    const listed = await directory.globalTools("caller");
    expect(listed.get(spec.name)).toMatchObject({ hostId: "alive", spec: { toolId: spec.toolId } });
    expect(await ownersOf(spec.name)).toEqual(["alive"]);
    expect(await ownersOf(spec.toolId)).toEqual(["alive"]);
    expect(await indexed()).toBe(true);
  });

  it.skipIf(target.skip)("the same host rejoining between the read and the delete keeps its new record", async () => {
    const { directory, plain, hooks, ownersOf, indexed, record } = await setup();
    await plain.advertise("phoenix", joinToken(), spec);
    const token = joinToken();
    const rejoined = ownerRecord(token, spec);
    hooks.beforeDelete = async () => {
      // What Cluster does when its beat finds its key gone: beat, new join token, advertise again.
      await plain.beat("phoenix", "127.0.0.1:3", TTL, "s");
      await plain.advertise("phoenix", token, spec);
    };
    // This refresh read "phoenix" without heartbeat, so it does not list it.
    expect([...(await directory.globalTools("caller")).keys()]).toEqual([]);
    expect(hooks.beforeDelete).toBeUndefined();
    expect(await record("phoenix")).toEqual(rejoined);
    expect(await ownersOf(spec.toolId)).toEqual(["phoenix"]);
    expect(await indexed()).toBe(true);
    expect((await directory.globalTools("caller")).get(spec.name)).toMatchObject({ hostId: "phoenix" });
  });

  it.skipIf(target.skip)("another host advertising between the read and the delete keeps the name", async () => {
    const { directory, plain, hooks, ownersOf, indexed } = await setup();
    await plain.advertise("gone", joinToken(), spec);
    hooks.beforeDelete = async () => {
      await plain.beat("newcomer", "127.0.0.1:4", TTL, "s");
      await plain.advertise("newcomer", joinToken(), spec);
    };
    await directory.globalTools("caller");
    expect(hooks.beforeDelete).toBeUndefined();
    expect(await ownersOf(spec.name)).toEqual(["newcomer"]);
    expect(await ownersOf(spec.toolId)).toEqual(["newcomer"]);
    expect(await indexed()).toBe(true);
  });
});
