// Issue 13: tools of a worker connected to one host are callable through every
// host, and fail the same way everywhere when the worker or its host is gone.
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serveWorker } from "../../packages/client/src/worker/index.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import type { Started } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { startHosts, stopAll } from "./hosts.js";
import { type RedisServer, startRedis } from "./redis-server.js";

const shout = defineTool({
  name: "shout",
  input: z.object({ text: z.string() }),
  handler: async ({ text }, ctx) => ({ text: text.toUpperCase(), requestId: ctx.requestId }),
});
const perSession = defineTool({ name: "session_shout", input: z.object({}), handler: async () => "mine" });

let redis: RedisServer;
let hosts: Started[];
let a: Started;
let b: Started;
beforeAll(async () => {
  redis = await startRedis();
  // A worker that leaves is waited for briefly, and its tool stays registered meanwhile.
  hosts = await startHosts(2, redis.url, { workerOptions: { replicaWaitMs: 100, toolGraceMs: 60_000 } }, "wk");
  [a, b] = hosts as [Started, Started];
});
afterAll(async () => {
  await stopAll(hosts);
  await redis.stop();
});

const call = (host: Started, sessionId: string, toolId: string, requestId = "") =>
  host.client.unary("executeTool", { sessionId, toolId, kwargs: { text: encodeValue("hi") }, requestId });

describe("worker tools across hosts", () => {
  it("a global worker tool on A is listed and callable on B; a dead worker fails alike on both", async () => {
    const worker = await serveWorker(a.host.address, [shout], { logger: a.host.logger });
    await b.client.unary("initializeSession", { sessionId: "w1" });
    const response = await call(b, "w1", "shout", "w-req-1");
    expect(decodeValue(must(response.result))).toEqual({ text: "HI", requestId: "w-req-1" });
    let listed: string[] = [];
    for (let i = 0; i < 100 && !listed.includes("shout"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      listed = (await b.client.unary("getSessionTools", { sessionId: "w1" })).tools.map((t) => t.name);
    }
    expect(listed).toContain("shout");

    await worker.close(100);
    const onA = await call(a, "w1", "shout");
    const onB = await call(b, "w1", "shout");
    expect(onA.error?.type).toBe("Unavailable");
    expect(onB.error?.type).toBe(onA.error?.type);
    expect(onB.error?.message).toBe(onA.error?.message);
  });

  it("a session's worker tool on A is callable through B", async () => {
    await a.client.unary("initializeSession", { sessionId: "w2" });
    const worker = await serveWorker(a.host.address, [perSession], { logger: a.host.logger, sessionId: "w2" });
    try {
      const response = await b.client.unary("executeTool", { sessionId: "w2", toolId: "session_shout" });
      expect(decodeValue(must(response.result))).toBe("mine");
    } finally {
      await worker.close(100);
    }
  });
});
