// Issue 5: BatchExecuteTools — order, parallelism, stop_on_error, limits, metrics.
import { status } from "@grpc/grpc-js";
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure } from "../testing/client.js";
import { must } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

let running = 0;
let peak = 0;
let calls = 0;

const tools = [
  defineTool({
    name: "square",
    input: z.object({ n: z.number() }),
    handler: async ({ n }) => {
      calls++;
      running++;
      peak = Math.max(peak, running);
      // Yield to the event loop a few times so parallel items overlap.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      running--;
      if (n < 0) throw new RangeError(`negative: ${n}`);
      return n * n;
    },
  }),
  defineTool({ name: "hangs", input: z.object({}), handler: () => new Promise(() => {}) }),
];

const item = (n: number) => ({ toolId: "square", args: [encodeValue(n)] });

let t: Started;
beforeAll(async () => {
  t = await startHost({ tools, maxBatchItems: 10 });
  await t.client.unary("initializeSession", { sessionId: "s" });
});
afterAll(() => t.stop());

describe("batch", () => {
  it("runs items in order, each a value or an error, with batch metrics", async () => {
    const response = await t.client.unary("batchExecuteTools", {
      sessionId: "s",
      items: [item(2), item(-1), { toolId: "missing" }, item(3)],
    });
    expect(response.results.map((r) => (r.success ? decodeValue(must(r.result)) : r.error?.type))).toEqual([
      4,
      "RangeError",
      "ToolNotFound",
      9,
    ]);
    expect(response.metrics).toMatchObject({ succeeded: 2, failed: 2, cancelled: 0 });
    expect(response.metrics?.totalDurationMs).toBeGreaterThan(0);
  });

  it("parallel with max_parallel: results in request order, at most max_parallel at once", async () => {
    peak = 0;
    const response = await t.client.unary("batchExecuteTools", {
      sessionId: "s",
      items: [1, 2, 3, 4, 5, 6, 7, 8].map(item),
      config: { parallel: true, maxParallel: 3 },
    });
    expect(response.results.map((r) => decodeValue(must(r.result)))).toEqual([1, 4, 9, 16, 25, 36, 49, 64]);
    expect(peak).toBe(3);
  });

  it("sequential by default", async () => {
    peak = 0;
    await t.client.unary("batchExecuteTools", { sessionId: "s", items: [1, 2, 3].map(item) });
    expect(peak).toBe(1);
  });

  it("stop_on_error: the rest are reported as Cancelled", async () => {
    const response = await t.client.unary("batchExecuteTools", {
      sessionId: "s",
      items: [item(1), item(-2), item(3), item(4)],
      config: { stopOnError: true },
    });
    expect(response.results.map((r) => r.error?.type ?? "ok")).toEqual(["ok", "RangeError", "Cancelled", "Cancelled"]);
    expect(response.metrics).toMatchObject({ succeeded: 1, failed: 1, cancelled: 2 });
  });

  it("timeout_ms bounds every item: an item running into it is a TimeoutError in its result", async () => {
    const response = await t.client.unary("batchExecuteTools", {
      sessionId: "s",
      items: [item(2), { toolId: "hangs" }, { toolId: "hangs" }],
      timeoutMs: 100,
    });
    expect(response.results.map((r) => r.error?.type ?? "ok")).toEqual(["ok", "TimeoutError", "TimeoutError"]);
  });

  it("refuses more items than the configured limit", async () => {
    const failure = await expectGrpcFailure(
      t.client.unary("batchExecuteTools", { sessionId: "s", items: Array.from({ length: 11 }, (_, i) => item(i)) }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.info?.message).toContain("limit of 10");
  });

  it("items share the idempotency window", async () => {
    const before = calls;
    const response = await t.client.unary("batchExecuteTools", {
      sessionId: "s",
      items: [
        { ...item(5), requestId: "b-1" },
        { ...item(5), requestId: "b-1" },
      ],
      config: { parallel: true },
    });
    expect(response.results.map((r) => r.requestId)).toEqual(["b-1", "b-1"]);
    expect(response.results.map((r) => decodeValue(must(r.result)))).toEqual([25, 25]);
    expect(calls - before).toBe(1);
  });
});
