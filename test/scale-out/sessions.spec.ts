// Issue 13: several hosts share sessions through Redis with no sticky sessions.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type ClientUnaryCall, status } from "@grpc/grpc-js";
import {
  BridgeService,
  decodeValue,
  ExecuteToolRequestSchema,
  encodeValue,
  VariableChangeType,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure } from "../../packages/host/src/testing/client.js";
import { deferred, must, until } from "../../packages/host/src/testing/deferred.js";
import type { Started } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { startHosts, stopAll } from "./hosts.js";
import { type RedisServer, startRedis } from "./redis-server.js";

// Every host offers these; `runs` counts executions over all hosts (they share this process).
let runs = 0;
let gate = deferred();
const slowCount = defineTool({
  name: "slow_count",
  input: z.object({}),
  handler: async () => {
    runs++;
    await gate.promise;
    return runs;
  },
});
const limited = defineTool({
  name: "limited",
  input: z.object({}),
  limits: { rateLimitPerMinute: 2 },
  handler: async () => "ok",
});

let redis: RedisServer;
let hosts: Started[];
let a: Started;
let b: Started;
let c: Started;
beforeAll(async () => {
  redis = await startRedis();
  hosts = await startHosts(3, redis.url, { tools: [slowCount, limited] });
  [a, b, c] = hosts as [Started, Started, Started];
});
afterAll(async () => {
  await stopAll(hosts);
  await redis.stop();
});

/** Starts an ExecuteTool call that the test can cancel (the test client's unary cannot). */
function startUnary(host: Started, request: MessageInitShape<typeof ExecuteToolRequestSchema>): ClientUnaryCall {
  type Unary = (request: unknown, callback: () => void) => ClientUnaryCall;
  const methods = host.client.raw as unknown as Record<string, Unary>;
  const method = must(methods[BridgeService.method.executeTool.name]);
  return method.call(host.client.raw, create(ExecuteToolRequestSchema, request), () => {});
}

/**
 * A watch on `host` known to be subscribed: it also watches a marker variable
 * with include_initial, and the snapshot is read only after subscribing.
 */
async function liveWatch(host: Started, sessionId: string, names: string[]) {
  await host.client.unary("setVariable", { sessionId, name: "_ready", value: encodeValue(true) });
  const watch = host.client.stream("watchVariables", { sessionId, names: [...names, "_ready"], includeInitial: true });
  watch.on("error", () => {});
  const ready = deferred();
  const onReady = (e: WatchVariablesResponse) => {
    if (e.variable?.name === "_ready") {
      watch.off("data", onReady);
      ready.resolve();
    }
  };
  watch.on("data", onReady);
  await ready.promise;
  return watch;
}

describe("any host serves any call of any session", () => {
  it("create on A, set on B, a watcher on A sees it, C reads it", async () => {
    await a.client.unary("initializeSession", { sessionId: "s1" });
    const watch = await liveWatch(a, "s1", ["x"]);
    const first = deferred<WatchVariablesResponse>();
    watch.on("data", (event: WatchVariablesResponse) => first.resolve(event));
    await b.client.unary("setVariable", { sessionId: "s1", name: "x", value: encodeValue(42) });
    const event = await first.promise;
    expect(event.changeType).toBe(VariableChangeType.SET);
    expect(decodeValue(must(event.variable?.value))).toBe(42);
    const read = await c.client.unary("getVariable", { sessionId: "s1", name: "x" });
    expect(must(read.variable?.metadata).version).toBe(1n);
    watch.cancel();
  });

  it("include_initial through another host: the current value first, then later writes", async () => {
    await a.client.unary("initializeSession", { sessionId: "s-init" });
    await b.client.unary("setVariable", { sessionId: "s-init", name: "k", value: encodeValue(1) });
    const watch = c.client.stream("watchVariables", { sessionId: "s-init", includeInitial: true });
    const seen: string[] = [];
    const done = deferred();
    watch.on("data", (e: WatchVariablesResponse) => {
      seen.push(`${VariableChangeType[e.changeType]}@${e.variable?.metadata?.version}`);
      if (seen.length === 1)
        void a.client.unary("setVariable", { sessionId: "s-init", name: "k", value: encodeValue(2) });
      if (seen.length === 2) done.resolve();
    });
    watch.on("error", () => {});
    await done.promise;
    watch.cancel();
    expect(seen).toEqual(["INITIAL@1", "SET@2"]);
  });

  it("cleanup on B: watchers on A end cleanly, calls on A and C get SessionExpired", async () => {
    await a.client.unary("initializeSession", { sessionId: "s2" });
    const watch = await liveWatch(a, "s2", []);
    const ended = deferred<string>();
    watch.on("end", () => ended.resolve("end"));
    watch.on("error", (error) => ended.resolve(`error ${error.message}`));
    await b.client.unary("cleanupSession", { sessionId: "s2" });
    expect(await ended.promise).toBe("end");
    const onA = await expectGrpcFailure(a.client.unary("executeTool", { sessionId: "s2", toolId: "limited" }));
    expect(onA.info?.type).toBe("SessionExpired");
    const onC = await expectGrpcFailure(c.client.unary("getSessionInfo", { sessionId: "s2" }));
    expect(onC.info?.type).toBe("SessionExpired");
    const never = await expectGrpcFailure(c.client.unary("getSessionInfo", { sessionId: "never-created" }));
    expect(never.info?.type).toBe("SessionNotFound");
  });

  it("a retry landing on another host is deduplicated, even while the first attempt runs", async () => {
    await a.client.unary("initializeSession", { sessionId: "s3" });
    runs = 0;
    gate = deferred();
    const call = { sessionId: "s3", toolId: "slow_count", requestId: "retry-1" };
    const first = a.client.unary("executeTool", call);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const retry = b.client.unary("executeTool", call);
    gate.resolve();
    const [one, two] = await Promise.all([first, retry]);
    const late = await c.client.unary("executeTool", call);
    expect([one, two, late].map((r) => decodeValue(must(r.result)))).toEqual([1, 1, 1]);
    expect(runs).toBe(1);
    const fresh = await c.client.unary("executeTool", { ...call, requestId: "retry-2" });
    expect(decodeValue(must(fresh.result))).toBe(2);
  });

  it("repeats waiting on a first attempt whose caller cancelled get an outcome, on its host and on another", async () => {
    await a.client.unary("initializeSession", { sessionId: "s-cancel" });
    runs = 0;
    gate = deferred();
    const call = { sessionId: "s-cancel", toolId: "slow_count", requestId: "cancel-1" };
    const first = startUnary(a, call);
    await until(() => runs === 1);
    const onSameHost = a.client.unary("executeTool", call);
    const onOtherHost = b.client.unary("executeTool", call);
    // Both repeats are waiting on the running first attempt by now (there is no event to await for that).
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.cancel();
    // A waiter takes over (the first attempt is not an outcome): the tool starts again, once.
    await until(() => runs === 2);
    gate.resolve();
    const outcomes = await Promise.all([onSameHost, onOtherHost, c.client.unary("executeTool", call)]);
    expect(outcomes.map((r) => decodeValue(must(r.result)))).toEqual([2, 2, 2]);
    expect(runs).toBe(2);
  });

  it("a retry whose first attempt ran on a host that died runs again elsewhere", async () => {
    const [crashing] = await startHosts(1, redis.url, { tools: [slowCount] }, "crash");
    const d = must(crashing);
    try {
      await d.client.unary("initializeSession", { sessionId: "s-crash" });
      runs = 0;
      gate = deferred();
      const call = { sessionId: "s-crash", toolId: "slow_count", requestId: "crash-1" };
      const lost = d.client.unary("executeTool", call).catch(() => undefined);
      while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // The host stops beating (as a crashed one does): its unfinished claim no longer holds.
      await must(d.host.cluster).close();
      const retry = b.client.unary("executeTool", call);
      while (runs === 1) await new Promise((resolve) => setTimeout(resolve, 5));
      gate.resolve();
      expect(decodeValue(must((await retry).result))).toBe(2);
      await lost;
    } finally {
      await d.stop();
    }
  });

  it("rate limits are shared: the third call of a 2-per-minute tool fails on whichever host", async () => {
    await a.client.unary("initializeSession", { sessionId: "s4" });
    await a.client.unary("executeTool", { sessionId: "s4", toolId: "limited" });
    await b.client.unary("executeTool", { sessionId: "s4", toolId: "limited" });
    const third = await expectGrpcFailure(c.client.unary("executeTool", { sessionId: "s4", toolId: "limited" }));
    expect(third.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(third.info?.type).toBe("RateLimitExceeded");
  });

  it("the live-session count is the cluster's", async () => {
    const before = (await a.client.unary("healthCheck", {})).sessions;
    await b.client.unary("initializeSession", { sessionId: "s5" });
    expect((await c.client.unary("healthCheck", {})).sessions).toBe(before + 1);
  });
});
