// Issue 5: shutdown, metrics, logs, debug stack traces, RPCs that need other parts.
import { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { encodeValue, ServingStatus, type StreamToolResponse } from "@toolbridge/protocol";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure } from "./testing/client.js";
import { deferred, must, until } from "./testing/deferred.js";
import { startHost } from "./testing/hosts.js";
import { defineTool } from "./tool/define-tool.js";

const add = defineTool({
  name: "add",
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});
const fails = defineTool({
  name: "fails",
  input: z.object({ secret: z.string() }),
  handler: async () => {
    throw Object.assign(new Error("bad thing"), { code: "E_BAD" });
  },
});

describe("shutdown", () => {
  it("stops accepting, ends open streams with Unavailable, drains in-flight calls, resolves", async () => {
    const gate = deferred();
    let unaryStarted = false;
    const t = await startHost({
      tools: [
        defineTool({
          name: "ticker",
          input: z.object({}),
          async *handler(_args, ctx) {
            for (let i = 0; !ctx.signal.aborted; i++) {
              yield i;
              await new Promise((r) => setTimeout(r, 5));
            }
          },
        }),
        defineTool({
          name: "slow",
          input: z.object({}),
          handler: async () => {
            unaryStarted = true;
            await gate.promise;
            return "finished";
          },
        }),
      ],
    });
    await t.client.unary("initializeSession", { sessionId: "s" });
    const chunks: StreamToolResponse[] = [];
    const stream = t.client.stream("streamTool", { sessionId: "s", toolId: "ticker" });
    const streamEnded = new Promise<void>((resolve, reject) => {
      stream.on("data", (c: StreamToolResponse) => chunks.push(c));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    await until(() => chunks.length > 0);
    const inFlight = t.client.unary("executeTool", { sessionId: "s", toolId: "slow" });
    await until(() => unaryStarted);

    const closed = t.host.close({ graceMs: 10_000 });
    await streamEnded;
    const last = chunks.at(-1);
    expect(last?.content.case).toBe("error");
    if (last?.content.case === "error") {
      expect(last.content.value.type).toBe("Unavailable");
      expect(last.content.value.message).toBe("host shutting down");
    }
    expect((await t.client.unary("healthCheck", {})).status).toBe(ServingStatus.DRAINING);
    const refused = await expectGrpcFailure(t.client.unary("executeTool", { sessionId: "s", toolId: "slow" }));
    expect(refused.code).toBe(status.UNAVAILABLE);

    gate.resolve();
    expect((await inFlight).success).toBe(true);
    await closed;
    t.client.close();
  });

  it("running calls past the grace period are stopped with UNAVAILABLE", async () => {
    const t = await startHost({
      tools: [defineTool({ name: "forever", input: z.object({}), handler: () => new Promise(() => {}) })],
    });
    await t.client.unary("initializeSession", { sessionId: "s" });
    const call = expectGrpcFailure(t.client.unary("executeTool", { sessionId: "s", toolId: "forever" }));
    await until(() => t.host.metrics.inFlight === 1);
    await t.host.close({ graceMs: 20 });
    expect((await call).code).toBe(status.UNAVAILABLE);
    t.client.close();
  });

  it("shutdownOnSignals closes the host on the signal", async () => {
    const t = await startHost();
    const uninstall = t.host.shutdownOnSignals({ signals: ["SIGUSR2"], exit: false, graceMs: 50 });
    process.emit("SIGUSR2", "SIGUSR2");
    await until(() => t.host.core.isDraining);
    uninstall();
    await t.host.close();
    t.client.close();
  });
});

describe("observability", () => {
  it("GetMetrics: calls by tool, errors by type, percentiles and a cumulative histogram", async () => {
    const t = await startHost({ tools: [add, fails] });
    try {
      await t.client.unary("initializeSession", { sessionId: "s" });
      for (let i = 0; i < 5; i++) {
        await t.client.unary("executeTool", { sessionId: "s", toolId: "add", args: [encodeValue(i), encodeValue(1)] });
      }
      await t.client.unary("executeTool", { sessionId: "s", toolId: "add", args: [encodeValue("x")] });
      await t.client.unary("executeTool", { sessionId: "s", toolId: "fails", args: [encodeValue("s")] });
      const metrics = await t.client.unary("getMetrics", {});
      const addMetrics = metrics.tools.find((m) => m.toolName === "add");
      expect(addMetrics).toMatchObject({ calls: 6n, successes: 5n, errorsByType: { ValidationError: 1n } });
      expect(addMetrics?.p50Ms).toBeGreaterThan(0);
      expect(must(addMetrics).p99Ms).toBeGreaterThanOrEqual(must(addMetrics).p50Ms);
      expect(addMetrics?.latencyBuckets.at(-1)?.count).toBe(6n);
      expect(metrics.tools.find((m) => m.toolName === "fails")?.errorsByType).toEqual({ E_BAD: 1n });
      expect(metrics.activeSessions).toBe(1);
      const only = await t.client.unary("getMetrics", { toolName: "fails" });
      expect(only.tools.map((m) => m.toolName)).toEqual(["fails"]);

      const text = await t.host.metricsText();
      expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ok"} 5');
      expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ValidationError"} 1');
      expect(text).toContain("toolbridge_tool_duration_seconds_bucket");
      expect(text).toContain("toolbridge_sessions 1");
    } finally {
      await t.stop();
    }
  });

  it("logs are JSON with request_id and never the payload; stack traces only with debug", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split("\n"));
        done();
      },
    });
    for (const debug of [false, true]) {
      lines.length = 0;
      const t = await startHost({ tools: [fails], debug, logger: pino({ level: "debug" }, sink) });
      try {
        await t.client.unary("initializeSession", { sessionId: "s" });
        const response = await t.client.unary("executeTool", {
          sessionId: "s",
          toolId: "fails",
          kwargs: { secret: encodeValue("TOP-SECRET-PAYLOAD") },
          requestId: "req-log-1",
        });
        expect(response.error?.type).toBe("E_BAD");
        expect(response.error?.stacktrace !== "").toBe(debug);
        const failure = lines.map((l) => JSON.parse(l)).find((l) => l.request_id === "req-log-1");
        expect(failure).toMatchObject({ tool: "fails", session_id: "s", error_type: "E_BAD" });
        expect(lines.join("\n")).not.toContain("TOP-SECRET-PAYLOAD");
      } finally {
        await t.stop();
      }
    }
  });
});

describe("agent RPCs without an LLM", () => {
  it("agents without an LLM → FAILED_PRECONDITION explaining how to configure one", async () => {
    const t = await startHost();
    try {
      await t.client.unary("initializeSession", { sessionId: "s" });
      const create = await expectGrpcFailure(
        t.client.unary("createReActAgent", { sessionId: "s", signature: "question -> answer" }),
      );
      expect(create.code).toBe(status.FAILED_PRECONDITION);
      expect(create.error.details).toContain("no LLM configured: start the host with --llm scripted");
      const run = await t.client.collect("executeAgent", { sessionId: "s", agentId: "a" }).catch((e) => e);
      expect(run.code).toBe(status.FAILED_PRECONDITION);
    } finally {
      await t.stop();
    }
  });
});
