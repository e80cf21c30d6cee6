// Issue 5: deadlines, cancellation, concurrency and rate limits, idempotency.

import { create } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import {
  decodeValue,
  type ExecuteToolRequest,
  ExecuteToolRequestSchema,
  encodeValue,
  RETRY_AFTER_KEY,
} from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure } from "../testing/client.js";
import { deferred, must, until } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";
import { DEFAULT_SESSION_RATE_CEILING } from "./session-runtime.js";

const aborted: Record<string, string> = {};
let gate = deferred();
let idempotentRuns = 0;
let limitedStarted = 0;

/** Waits until its signal fires and records why. */
const waitForAbort = (name: string, timeoutMs?: number) =>
  defineTool({
    name,
    input: z.object({ key: z.string() }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    handler: ({ key }, ctx) =>
      new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          aborted[key] = (ctx.signal.reason as { code?: string }).code ?? "?";
          reject(ctx.signal.reason);
        });
      }),
  });

const tools = [
  waitForAbort("slow", 100),
  waitForAbort("hangs"),
  defineTool({
    name: "ignores_signal",
    input: z.object({}),
    timeoutMs: 50,
    handler: () => new Promise(() => {}),
  }),
  defineTool({
    name: "limited",
    input: z.object({}),
    limits: { maxConcurrentCalls: 1, maxQueuedCalls: 1 },
    handler: async () => {
      limitedStarted++;
      await gate.promise;
      return "done";
    },
  }),
  defineTool({
    name: "rated",
    input: z.object({}),
    limits: { rateLimitPerMinute: 2 },
    handler: async () => "ok",
  }),
  defineTool({
    name: "once",
    input: z.object({ x: z.number() }),
    handler: async ({ x }) => {
      idempotentRuns++;
      await gate.promise;
      return { x, run: idempotentRuns };
    },
  }),
];

let t: Started;
beforeAll(async () => {
  t = await startHost({ tools });
  await t.client.unary("initializeSession", { sessionId: "s" });
});
afterAll(() => t.stop());

describe("deadlines", () => {
  it("a tool overrunning its own timeout → TimeoutError in the response, its signal fired", async () => {
    const response = await t.client.unary("executeTool", {
      sessionId: "s",
      toolId: "slow",
      kwargs: { key: encodeValue("own-timeout") },
    });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("TimeoutError");
    expect(aborted["own-timeout"]).toBe("TimeoutError");
  });

  it("a handler that ignores its signal still cannot make the caller hang", async () => {
    const response = await t.client.unary("executeTool", { sessionId: "s", toolId: "ignores_signal" });
    expect(response.error?.type).toBe("TimeoutError");
  });

  it("a shorter per-call timeout_ms wins over the tool's", async () => {
    const response = await t.client.unary("executeTool", {
      sessionId: "s",
      toolId: "hangs",
      kwargs: { key: encodeValue("call-timeout") },
      timeoutMs: 30,
    });
    expect(response.error?.type).toBe("TimeoutError");
    expect(aborted["call-timeout"]).toBe("TimeoutError");
  });

  it("a shorter client deadline wins → DEADLINE_EXCEEDED, handler aborted", async () => {
    const failure = await expectGrpcFailure(
      t.client.unary(
        "executeTool",
        { sessionId: "s", toolId: "hangs", kwargs: { key: encodeValue("client-deadline") } },
        { deadline: Date.now() + 80 },
      ),
    );
    expect(failure.code).toBe(status.DEADLINE_EXCEEDED);
    await until(() => aborted["client-deadline"] !== undefined);
    expect(["DeadlineExceeded", "Cancelled"]).toContain(aborted["client-deadline"]);
  });

  it("a client cancel aborts the handler", async () => {
    const raw = t.client.raw as unknown as {
      ExecuteTool(request: ExecuteToolRequest, done: (error: unknown) => void): { cancel(): void };
    };
    const request = create(ExecuteToolRequestSchema, {
      sessionId: "s",
      toolId: "hangs",
      kwargs: { key: encodeValue("cancel") },
    });
    const pending = raw.ExecuteTool(request, () => {});
    await until(() => t.host.metrics.inFlight > 0);
    pending.cancel();
    await until(() => aborted.cancel !== undefined);
    expect(aborted.cancel).toBe("Cancelled");
  });
});

describe("concurrency and rate limits", () => {
  it("max_concurrent_calls with a bounded queue: overflow → RESOURCE_EXHAUSTED", async () => {
    gate = deferred();
    limitedStarted = 0;
    const first = t.client.unary("executeTool", { sessionId: "s", toolId: "limited" });
    await until(() => limitedStarted === 1);
    const second = t.client.unary("executeTool", { sessionId: "s", toolId: "limited" });
    await until(() => t.host.core.admittedCalls - t.host.metrics.inFlight === 1); // one running, one queued
    const failure = await expectGrpcFailure(t.client.unary("executeTool", { sessionId: "s", toolId: "limited" }));
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(failure.info?.type).toBe("ResourceExhausted");
    gate.resolve();
    const [a, b] = await Promise.all([first, second]);
    expect(a.success && b.success).toBe(true);
    expect(b.metrics?.queuedMs).toBeGreaterThan(0);
    expect(limitedStarted).toBe(2);
  });

  it("token bucket per tool → RateLimitExceeded with retry_after_ms in ErrorInfo and trailer", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await t.client.unary("executeTool", { sessionId: "s", toolId: "rated" })).success).toBe(true);
    }
    const failure = await expectGrpcFailure(t.client.unary("executeTool", { sessionId: "s", toolId: "rated" }));
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(failure.info?.type).toBe("RateLimitExceeded");
    expect(failure.info?.retryAfterMs).toBeGreaterThan(0n);
    expect(Number(failure.error.metadata.get(RETRY_AFTER_KEY)[0])).toBe(Number(failure.info?.retryAfterMs));
  });

  it("token bucket per session", async () => {
    const limited = await startHost({ tools, sessionRateLimit: { perMinute: 1 } });
    try {
      await limited.client.unary("initializeSession", { sessionId: "r1" });
      await limited.client.unary("initializeSession", { sessionId: "r2" });
      const call = (sessionId: string) => limited.client.unary("executeTool", { sessionId, toolId: "rated" });
      expect((await call("r1")).success).toBe(true);
      const failure = await expectGrpcFailure(call("r1"));
      expect(failure.info?.type).toBe("RateLimitExceeded");
      expect(failure.info?.message).toContain("session r1");
      expect((await call("r2")).success).toBe(true);
    } finally {
      await limited.stop();
    }
  });

  it("a per-host ceiling per session, on by default, refuses calls past it with RateLimitExceeded", async () => {
    const free = defineTool({ name: "free", input: z.object({}), handler: () => "ok" });
    const guarded = await startHost({ tools: [free], sessionRateCeiling: { perMinute: 60, burst: 2 } });
    try {
      await guarded.client.unary("initializeSession", { sessionId: "f1" });
      const call = () => guarded.client.unary("executeTool", { sessionId: "f1", toolId: "free" });
      expect((await call()).success).toBe(true);
      expect((await call()).success).toBe(true);
      const failure = await expectGrpcFailure(call());
      expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(failure.info?.type).toBe("RateLimitExceeded");
      expect(failure.info?.message).toContain("session f1 on this host");
    } finally {
      await guarded.stop();
    }
    expect(DEFAULT_SESSION_RATE_CEILING).toEqual({ perMinute: 1_200_000, burst: 20_000 });
  });
});

describe("idempotency", () => {
  it("the same request_id sent 20 times concurrently runs the tool once", async () => {
    gate = deferred();
    idempotentRuns = 0;
    const calls = Array.from({ length: 20 }, () =>
      t.client.unary("executeTool", {
        sessionId: "s",
        toolId: "once",
        kwargs: { x: encodeValue(7) },
        requestId: "same",
      }),
    );
    await until(() => idempotentRuns === 1);
    gate.resolve();
    const responses = await Promise.all(calls);
    expect(idempotentRuns).toBe(1);
    for (const r of responses) {
      expect(r.requestId).toBe("same");
      expect(decodeValue(must(r.result))).toEqual({ x: 7, run: 1 });
    }
    const later = await t.client.unary("executeTool", {
      sessionId: "s",
      toolId: "once",
      kwargs: { x: encodeValue(7) },
      requestId: "same",
    });
    expect(decodeValue(must(later.result))).toEqual({ x: 7, run: 1 });
    expect(idempotentRuns).toBe(1);
  });

  it("distinct request_ids run separately; reusing one for another tool is refused", async () => {
    gate.resolve();
    idempotentRuns = 0;
    await t.client.unary("executeTool", {
      sessionId: "s",
      toolId: "once",
      kwargs: { x: encodeValue(1) },
      requestId: "r-a",
    });
    await t.client.unary("executeTool", {
      sessionId: "s",
      toolId: "once",
      kwargs: { x: encodeValue(1) },
      requestId: "r-b",
    });
    expect(idempotentRuns).toBe(2);
    const failure = await expectGrpcFailure(
      t.client.unary("executeTool", { sessionId: "s", toolId: "rated", requestId: "r-a" }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
  });
});
