// Issue 13: Redis down at start is a startup error; Redis lost mid-run makes
// calls fail fast with UNAVAILABLE, and hosts recover when it is back.
import { status } from "@grpc/grpc-js";
import { decodeValue, ToolBridgeError } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHost } from "../../packages/host/src/host.js";
import { RedisSessionStore } from "../../packages/host/src/store/redis/store.js";
import { expectGrpcFailure } from "../../packages/host/src/testing/client.js";
import { deferred, must } from "../../packages/host/src/testing/deferred.js";
import { type Started, startHost } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { startHosts, stopAll } from "./hosts.js";
import { freePort, type RedisServer, startRedis } from "./redis-server.js";

const ping = defineTool({ name: "ping", input: z.object({}), handler: async () => "pong" });
const onlyOnA = defineTool({ name: "only_on_a", input: z.object({}), handler: async () => "a" });

describe("Redis down at start", () => {
  it("createHost rejects with Unavailable naming the URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    let failure: unknown;
    try {
      await createHost({ port: 0, store: url, logLevel: "silent" });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ToolBridgeError);
    expect((failure as ToolBridgeError).code).toBe("Unavailable");
    expect((failure as ToolBridgeError).message).toContain(url);
  });
});

describe("Redis killed mid-run and restarted on the same port", () => {
  let redis: RedisServer;
  let hosts: Started[];
  let a: Started;
  let b: Started;
  beforeAll(async () => {
    redis = await startRedis();
    hosts = await startHosts(2, redis.url, { tools: [ping] }, "outage");
    [a, b] = hosts as [Started, Started];
    a.host.registerTool(onlyOnA);
  });
  afterAll(async () => {
    await stopAll(hosts);
    await redis.stop();
  });

  it("fails fast with UNAVAILABLE while Redis is away, then recovers without restarting hosts", async () => {
    await a.client.unary("initializeSession", { sessionId: "before" });
    const watch = a.client.stream("watchVariables", { sessionId: "before" });
    const watchEnded = deferred<number>();
    watch.on("data", () => {});
    watch.on("error", (error: { code: number }) => watchEnded.resolve(error.code));
    watch.on("end", () => watchEnded.resolve(-1));
    await until(
      async () => (await b.client.unary("executeTool", { sessionId: "before", toolId: "only_on_a" })).success,
    );

    await redis.kill();
    // Every call that needs the store fails at once, on every host: no queueing until Redis returns.
    // (With a request_id, as the SDK sends, a call always consults Redis; without one, a host that
    // touched the session a moment ago answers from memory until it notices the lost connection.)
    for (const host of [a, b]) {
      const call = { sessionId: "before", toolId: "ping", requestId: `r-${host.host.address}` };
      const failure = await expectGrpcFailure(host.client.unary("executeTool", call, { deadline: Date.now() + 5_000 }));
      expect(failure.code).toBe(status.UNAVAILABLE);
      expect(failure.info?.type).toBe("Unavailable");
      expect(failure.info?.message).toContain(redis.url);
    }
    // The watch lost its subscription, so it may have missed changes: it ends with UNAVAILABLE.
    expect(await watchEnded.promise).toBe(status.UNAVAILABLE);

    await redis.restart();
    // The server came back empty (no persistence): hosts reconnect by themselves and serve new sessions.
    await until(async () => {
      try {
        await b.client.unary("initializeSession", { sessionId: "after" });
        return true;
      } catch {
        return false;
      }
    });
    const served = await a.client.unary("executeTool", { sessionId: "after", toolId: "ping" });
    expect(decodeValue(must(served.result))).toBe("pong");
    // A's heartbeat notices the empty directory and advertises its tools again: forwarding works again.
    await until(async () => (await b.client.unary("executeTool", { sessionId: "after", toolId: "only_on_a" })).success);
  });
});

describe("Redis hung (stopped, not killed) and continued", () => {
  let redis: RedisServer;
  let store: RedisSessionStore;
  let host: Started;
  beforeAll(async () => {
    redis = await startRedis();
    store = await RedisSessionStore.connect({ url: redis.url, commandTimeoutMs: 300 });
    host = await startHost({ store, tools: [ping], cluster: false });
  });
  afterAll(async () => {
    await host.stop();
    await store.close();
    await redis.stop();
  });

  it("calls fail with UNAVAILABLE well before their deadline, then succeed once Redis carries on", async () => {
    await host.client.unary("initializeSession", { sessionId: "hung" });
    const call = { sessionId: "hung", toolId: "ping", requestId: "during-stall" };
    const farDeadline = () => ({ deadline: Date.now() + 30_000 });
    redis.pause();
    try {
      // UNAVAILABLE, not DEADLINE_EXCEEDED: the command timeout ended the call, not its deadline.
      const failure = await expectGrpcFailure(host.client.unary("executeTool", call, farDeadline()));
      expect(failure.code).toBe(status.UNAVAILABLE);
      expect(failure.info?.message).toContain("no reply within 300 ms");
      expect(failure.info?.message).toContain(redis.url);
      // While Redis stays silent every call fails that way, without a session read from memory slipping through.
      const later = { sessionId: "hung", toolId: "ping" };
      expect((await expectGrpcFailure(host.client.unary("executeTool", later, farDeadline()))).code).toBe(
        status.UNAVAILABLE,
      );
    } finally {
      redis.resume();
    }
    await until(async () =>
      host.client.unary("executeTool", { sessionId: "hung", toolId: "ping" }).then(
        () => true,
        () => false,
      ),
    );
    // The claim sent while Redis was stopped took effect when it resumed; it was released, so the retry runs.
    const retried = await host.client.unary("executeTool", call, farDeadline());
    expect(decodeValue(must(retried.result))).toBe("pong");
  });
});

/** Polls an async condition (the test's timeout bounds it). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}
