// Issue 13: a tool served by one host (a worker's, or a host-local session tool)
// is callable through every host; the call is forwarded to the owner.
import { create } from "@bufbuild/protobuf";
import { Metadata, status } from "@grpc/grpc-js";
import { decodeValue, ExecuteToolRequestSchema, encodeValue, type StreamToolResponse } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FORWARDED_BY_HEADER } from "../../packages/host/src/cluster/header.js";
import { expectGrpcFailure } from "../../packages/host/src/testing/client.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import type { Started } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { startHosts, stopAll } from "./hosts.js";
import { type RedisServer, startRedis } from "./redis-server.js";

let calls = 0;
/** Reports what the owner saw: request_id, time left, and which host ran it. */
const whoami = (host: string) =>
  defineTool({
    name: "whoami",
    input: z.object({ note: z.string() }),
    handler: async ({ note }, ctx) => {
      calls++;
      return { host, note, requestId: ctx.requestId, msLeft: ctx.deadline - Date.now() };
    },
  });
const countdown = defineTool({
  name: "countdown",
  input: z.object({ from: z.number() }),
  handler: async function* ({ from }) {
    for (let i = from; i > 0; i--) yield i;
  },
});
const broken = defineTool({
  name: "broken",
  input: z.object({}),
  handler: async () => {
    throw new TypeError("bad input on the owner");
  },
});
const local = defineTool({ name: "local", input: z.object({}), handler: async () => "here" });

let redis: RedisServer;
let hosts: Started[];
let a: Started;
let b: Started;
let c: Started;
beforeAll(async () => {
  redis = await startRedis();
  hosts = await startHosts(3, redis.url, { tools: [local] });
  [a, b, c] = hosts as [Started, Started, Started];
  await a.client.unary("initializeSession", { sessionId: "fw" });
  await a.host.registerSessionTools("fw", [whoami("a"), countdown, broken]);
});
afterAll(async () => {
  await stopAll(hosts);
  await redis.stop();
});

describe("forwarding to the host that owns a tool", () => {
  it("unary: same request_id, the caller's remaining deadline, the owner runs it", async () => {
    const response = await b.client.unary(
      "executeTool",
      { sessionId: "fw", toolId: "whoami", kwargs: { note: encodeValue("via b") }, requestId: "fw-1" },
      { deadline: Date.now() + 5_000 },
    );
    expect(response.success).toBe(true);
    const seen = decodeValue(must(response.result)) as {
      host: string;
      note: string;
      requestId: string;
      msLeft: number;
    };
    expect(seen).toMatchObject({ host: "a", note: "via b", requestId: "fw-1" });
    // The tool's own timeout is 30 s: less than 5 s left means the client's deadline travelled.
    expect(seen.msLeft).toBeGreaterThan(0);
    expect(seen.msLeft).toBeLessThanOrEqual(5_000);
  });

  it("a repeated request_id on a third host is answered from the first outcome", async () => {
    calls = 0;
    const call = { sessionId: "fw", toolId: "whoami", kwargs: { note: encodeValue("once") }, requestId: "fw-2" };
    const first = await b.client.unary("executeTool", call);
    const again = await c.client.unary("executeTool", call);
    expect(decodeValue(must(again.result))).toEqual(decodeValue(must(first.result)));
    expect(calls).toBe(1);
  });

  it("streaming: every chunk then complete", async () => {
    const chunks = await c.client.collect("streamTool", {
      sessionId: "fw",
      toolId: "countdown",
      kwargs: { from: encodeValue(3) },
    });
    const data = chunks
      .filter((x) => x.content.case === "data")
      .map((x) => decodeValue(must(x.content.value as never)));
    expect(data).toEqual([3, 2, 1]);
    expect((chunks.at(-1) as StreamToolResponse).content.case).toBe("complete");
  });

  it("batch: local and forwarded items side by side", async () => {
    const response = await b.client.unary("batchExecuteTools", {
      sessionId: "fw",
      items: [
        { toolId: "local", requestId: "b-1" },
        { toolId: "whoami", kwargs: { note: encodeValue("batch") }, requestId: "b-2" },
      ],
      config: { parallel: true },
    });
    expect(response.results.map((r) => r.success)).toEqual([true, true]);
    expect(decodeValue(must(response.results[1]?.result))).toMatchObject({ host: "a", requestId: "b-2" });
  });

  it("the owner's tool error comes back unchanged", async () => {
    const response = await c.client.unary("executeTool", { sessionId: "fw", toolId: "broken" });
    expect(response.success).toBe(false);
    expect(response.error).toMatchObject({ type: "TypeError", message: "bad input on the owner" });
  });

  it("a global tool registered on one host at run time is callable through the others", async () => {
    a.host.registerTool(whoamiGlobal);
    await b.client.unary("initializeSession", { sessionId: "fw-global" });
    let response = await c.client.unary("executeTool", { sessionId: "fw-global", toolId: "global_only_on_a" });
    // The directory is updated just after registration returns.
    for (let i = 0; i < 50 && !response.success; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      response = await c.client.unary("executeTool", { sessionId: "fw-global", toolId: "global_only_on_a" });
    }
    expect(decodeValue(must(response.result))).toBe("from a");
  });

  it("every host lists the tools other hosts serve", async () => {
    const { tools } = await b.client.unary("getSessionTools", { sessionId: "fw" });
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["broken", "countdown", "local", "whoami"]));
    a.host.registerTool(listedGlobal);
    // Global tools of other hosts are picked up with the next heartbeat.
    let names: string[] = [];
    for (let i = 0; i < 100 && !names.includes("listed_on_a"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      names = (await c.client.unary("getSessionTools", { sessionId: "fw" })).tools.map((t) => t.name);
    }
    expect(names).toContain("listed_on_a");
    const init = await c.client.unary("initializeSession", { sessionId: "fw-listed" });
    expect(init.tools.map((t) => t.name)).toContain("listed_on_a");
  });

  it("a client cannot pass its calls off as forwarded (to skip deduplication and rate limits)", async () => {
    const metadata = new Metadata();
    metadata.set(FORWARDED_BY_HEADER, "host-0 guessed-secret");
    const raw = b.client.raw as unknown as Record<string, (...args: unknown[]) => unknown>;
    const forged = new Promise((resolve, reject) =>
      raw.ExecuteTool?.call(
        b.client.raw,
        create(ExecuteToolRequestSchema, { sessionId: "fw", toolId: "local", requestId: "forged" }),
        metadata,
        (error: unknown, response: unknown) => (error ? reject(error) : resolve(response)),
      ),
    );
    const failure = await expectGrpcFailure(forged);
    expect(failure.code).toBe(status.UNAUTHENTICATED);
    expect(failure.info).toMatchObject({ type: "Unauthenticated", details: { reason: "malformed" } });
  });

  it("an unknown tool is still ToolNotFound", async () => {
    const response = await b.client.unary("executeTool", { sessionId: "fw", toolId: "nowhere" });
    expect(response.error?.type).toBe("ToolNotFound");
  });

  it("when the owner is gone the call fails with Unavailable, as when a worker dies", async () => {
    const [d] = await startHosts(1, redis.url, {}, "doomed");
    const owner = must(d);
    await owner.client.unary("initializeSession", { sessionId: "fw-dead" });
    await owner.host.registerSessionTools("fw-dead", [whoami("d")]);
    const alive = await b.client.unary("executeTool", {
      sessionId: "fw-dead",
      toolId: "whoami",
      kwargs: { note: encodeValue("x") },
    });
    expect(alive.success).toBe(true);
    await owner.stop();
    const dead = await b.client.unary("executeTool", {
      sessionId: "fw-dead",
      toolId: "whoami",
      kwargs: { note: encodeValue("x") },
    });
    expect(dead.success).toBe(false);
    expect(dead.error?.type).toBe("Unavailable");
    expect(dead.error?.message).toContain("doomed-0");
  });
});

const listedGlobal = defineTool({ name: "listed_on_a", input: z.object({}), handler: async () => "listed" });
const whoamiGlobal = defineTool({ name: "global_only_on_a", input: z.object({}), handler: async () => "from a" });
