// Issue 13: forwarding between hosts works on Redis Cluster as on a single
// server. The same scenario (a worker's tools on host A called through host B,
// then the worker and A going away) runs against a real three-node cluster and
// a single redis-server; every outcome B's callers see must match.
import type { Any } from "@bufbuild/protobuf/wkt";
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { waitFor } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { assertBuilt, serve } from "../../packages/cli/src/test-support/cli-process.js";
import { serveWorker } from "../../packages/client/src/worker/index.js";
import { RedisSessionStore } from "../../packages/host/src/store/redis/store.js";
import { testClient } from "../../packages/host/src/testing/client.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import type { Started } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { startHosts, stopAll } from "./hosts.js";
import { canStartCluster, type RedisCluster, startRedisCluster } from "./redis-cluster.js";
import { type RedisServer, startRedis } from "./redis-server.js";

const shout = defineTool({
  name: "shout",
  input: z.object({ text: z.string() }),
  handler: async ({ text }, ctx) => ({ text: text.toUpperCase(), requestId: ctx.requestId }),
});
const perSession = defineTool({ name: "session_shout", input: z.object({}), handler: async () => "mine" });

const SESSION = "fwd";

/** What a caller saw: the result, or the error with host names and ports made comparable across runs. */
type Outcome = { result: unknown } | { error: string; message: string };

describe.skipIf(!canStartCluster())("forwarding between hosts on Redis Cluster", () => {
  let cluster: RedisCluster;
  let single: RedisServer;
  beforeAll(async () => {
    [cluster, single] = await Promise.all([startRedisCluster(), startRedis()]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([cluster?.stop(), single?.stop()]);
  });

  it("the directory's keys of one forwarded call live in different slots (one script could not read them)", async () => {
    const store = await RedisSessionStore.connect({ url: cluster.url });
    try {
      const owners = store.keys.session(SESSION)[7] as string;
      const keys = [owners, store.keys.globalOwners("shout"), store.keys.host("rc-0"), store.keys.clusterSecret];
      const slots = await Promise.all(keys.map((key) => store.redis.command(["CLUSTER", "KEYSLOT", key])));
      expect(new Set(slots).size).toBe(keys.length);
    } finally {
      await store.close();
    }
  });

  it("a worker's tools on host A are callable through host B, and fail as on a single server when the worker, then A, is gone", async () => {
    const onCluster = await workerScenario(cluster.url, "rc");
    const onSingle = await workerScenario(single.url, "rs");
    expect(onCluster.forwarded).toEqual([{ result: { text: "HI", requestId: "req-1" } }, { result: "mine" }]);
    expect(onCluster.listedOnB).toContain("shout");
    // The worker left, its host stays: the owner's Unavailable reaches B's caller unchanged.
    const [onA, onB] = onCluster.workerGone;
    expect(onB).toEqual(onA);
    expect(onB).toMatchObject({ error: "Unavailable" });
    // A left: its session tool is Unavailable naming it (once the owner B remembered lapses: its heartbeat is gone),
    // its global tool is no longer served anywhere.
    expect(onCluster.hostGone).toEqual([
      {
        error: "Unavailable",
        message: "tool session_shout is served by host A, which is unavailable: it stopped sending heartbeats",
      },
      expect.objectContaining({ error: "ToolNotFound" }),
    ]);
    expect(onCluster).toEqual(onSingle);
  }, 60_000);

  it("toolbridge serve --store 'redis://...?cluster=true': a host without tools serves the demo host's, until it is killed, then none", async () => {
    assertBuilt();
    const demo = await serve(["--demo", "--port", "0", "--store", cluster.url]);
    const bare = await serve(["--port", "0", "--store", cluster.url]).catch(async (error: unknown) => {
      await demo.stop();
      throw error;
    });
    const client = testClient(bare.address);
    try {
      await client.unary("initializeSession", { sessionId: "cli-on-cluster" });
      const calculate = {
        sessionId: "cli-on-cluster",
        toolId: "calculate",
        kwargs: { expression: encodeValue("2 + 2") },
      };
      const response = await client.unary("executeTool", calculate);
      expect(decodeValue(must(response.result))).toBe(4);
      demo.child.kill("SIGKILL");
      await demo.exited;
      const dead = await client.unary("executeTool", calculate);
      expect(dead.error?.type).toBe("Unavailable");
      expect(dead.error?.message).toMatch(/^tool calculate is served by host \S+, which is unavailable: /);
      // Its heartbeat key lapses (3 s after its last beat): nobody serves the tool any more, as on a single server.
      await waitFor(async () => (await client.unary("executeTool", calculate)).error?.type === "ToolNotFound", {
        timeoutMs: 15_000,
        intervalMs: 100,
        message: "ToolNotFound through the bare host",
      });
      await waitFor(
        async () => {
          const { tools } = await client.unary("getSessionTools", { sessionId: "cli-on-cluster" });
          return !tools.some((t) => t.name === "calculate");
        },
        { message: "the bare host to stop listing the demo tools" },
      );
    } finally {
      client.close();
      await Promise.all([demo.stop(), bare.stop()]);
    }
    expect(await bare.exited).toBe(0);
  }, 45_000);
});

/** A forward to the closed port of host A that B still remembered as the owner. */
const refusedByA = { error: "Unavailable", message: expect.stringMatching(/served by host A, which is unavailable/) };

/** Not a failure on A's closed port (which lasts only while B remembers A as the owner). */
function settled(outcome: Outcome): boolean {
  return !("error" in outcome && outcome.error === "Unavailable" && !outcome.message.endsWith("heartbeats"));
}

/**
 * Two hosts on `url`; a worker with a global tool and one with a session tool
 * connect to A; B's callers use them; then the global worker leaves, then A.
 */
async function workerScenario(url: string, name: string) {
  const hosts = await startHosts(2, url, { workerOptions: { replicaWaitMs: 100, toolGraceMs: 60_000 } }, name);
  const [a, b] = hosts as [Started, Started];
  const comparable = (text: string) =>
    text
      .replaceAll(`${name}-0`, "A")
      .replaceAll(`${name}-1`, "B")
      .replace(/127\.0\.0\.1:\d+/g, "ADDRESS");
  const call = async (host: Started, toolId: string, requestId = ""): Promise<Outcome> => {
    const kwargs: Record<string, Any> = toolId === "shout" ? { text: encodeValue("hi") } : {};
    const response = await host.client.unary("executeTool", { sessionId: SESSION, toolId, kwargs, requestId });
    if (response.success) return { result: decodeValue(must(response.result)) };
    return { error: must(response.error).type, message: comparable(must(response.error).message) };
  };
  try {
    await a.client.unary("initializeSession", { sessionId: SESSION });
    const global = await serveWorker(a.host.address, [shout], { logger: a.host.logger });
    const own = await serveWorker(a.host.address, [perSession], { logger: a.host.logger, sessionId: SESSION });
    try {
      const forwarded = [await call(b, "shout", "req-1"), await call(b, "session_shout")];
      // B lists A's global tools from its heartbeat's read of the directory.
      let listedOnB: string[] = [];
      for (let i = 0; i < 100 && !listedOnB.includes("shout"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        listedOnB = (await b.client.unary("getSessionTools", { sessionId: SESSION })).tools.map((t) => t.name);
      }
      await global.close(100);
      const workerGone = [await call(a, "shout"), await call(b, "shout")];
      await a.stop();
      // Until the owners B remembered lapse (1 s), calls fail on A's closed port instead: Unavailable naming A too.
      let hostGone = [await call(b, "session_shout"), await call(b, "shout")];
      for (let i = 0; i < 100 && !hostGone.every(settled); i++) {
        for (const outcome of hostGone.filter((o) => !settled(o))) expect(outcome).toMatchObject(refusedByA);
        await new Promise((resolve) => setTimeout(resolve, 50));
        hostGone = [await call(b, "session_shout"), await call(b, "shout")];
      }
      return { forwarded, listedOnB, workerGone, hostGone };
    } finally {
      await Promise.all([global.close(100), own.close(100)]);
    }
  } finally {
    await stopAll(hosts);
  }
}
