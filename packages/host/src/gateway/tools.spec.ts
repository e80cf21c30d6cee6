// Issue 10: execute and batch over HTTP, every error as problem+json, lossless values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type GatewayHost, startGatewayHost } from "../testing/gateway.js";
import { defineTool } from "../tool/define-tool.js";

const LIMIT = 64 * 1024;
let gw: GatewayHost;
let id: string;

const tools = [
  defineTool({ name: "echo", input: z.object({ value: z.unknown() }), handler: ({ value }) => value }),
  defineTool({
    name: "add",
    input: z.object({ a: z.number().int(), b: z.number().int() }),
    handler: ({ a, b }) => a + b,
  }),
  defineTool({
    name: "sleep",
    input: z.object({ ms: z.number() }),
    handler: ({ ms }, ctx) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve("woke"), ms);
        ctx.signal.addEventListener("abort", () => clearTimeout(timer));
      }),
  }),
  defineTool({
    name: "boom",
    input: z.object({}),
    handler: () => {
      throw new RangeError("out of range on purpose");
    },
  }),
  defineTool({ name: "limited", input: z.object({}), handler: () => "ok", limits: { rateLimitPerMinute: 1 } }),
  defineTool({ name: "big", input: z.object({ n: z.number() }), handler: ({ n }) => "x".repeat(n) }),
];

beforeAll(async () => {
  gw = await startGatewayHost({ tools, maxMessageBytes: LIMIT });
  id = await gw.session();
});
afterAll(() => gw.stop());

const execute = (tool: string, body: unknown) => gw.call("POST", `/api/sessions/${id}/tools/${tool}/execute`, body);

describe("POST /api/sessions/:id/tools/:tool/execute", () => {
  it("returns the result, metrics and request_id", async () => {
    const res = await execute("add", { args: [2], kwargs: { b: 40 }, request_id: "r-1" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.result).toBe(42);
    expect(body.request_id).toBe("r-1");
    expect(body.metrics.attempts).toBe(1);
    expect(typeof body.metrics.duration_ms).toBe("number");
  });

  it("carries int64 beyond 2^53, bytes, timestamps and special floats through JSON unchanged", async () => {
    const value = {
      big: { $int: "9007199254740993" },
      neg: { $int: "-9223372036854775808" },
      raw: { $bytes: Buffer.from([0, 1, 254, 255]).toString("base64") },
      when: { $ts: "2024-02-29T12:34:56.123456789Z" },
      ms: { $ts: "2024-02-29T12:34:56.123Z" },
      nan: { $float: "NaN" },
      half: { $float: "-0" },
      map: { $map: [[{ $int: "-1" }, "one"]] },
      plain: [1, 2.5, "s", true, null],
    };
    const res = await execute("echo", { kwargs: { value } });
    expect(res.status).toBe(200);
    // Safe ints come back bare, the short form of {"$int": "-1"}.
    expect((await res.json()).result).toEqual({ ...value, map: { $map: [[-1, "one"]] } });
  });

  it("answers 404 ToolNotFound for an unknown tool", async () => {
    const res = await execute("nope", {});
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, error_type: "ToolNotFound", tool_name: "nope" });
  });

  it("answers 400 ValidationError naming every bad argument", async () => {
    const res = await execute("add", { kwargs: { a: "two", c: 1 } });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.error_type).toBe("ValidationError");
    const fields = problem.field_violations.map((v: { field: string }) => v.field).sort();
    expect(fields).toEqual(["a", "b", "c"]);
  });

  it("answers 400 naming every value the notation cannot read", async () => {
    const res = await execute("echo", { args: [{ $nope: 1 }], kwargs: { x: { $int: "1e3" } } });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.field_violations.map((v: { field: string }) => v.field)).toEqual(["args[0]", "kwargs.x"]);
  });

  it("answers 400 for a malformed request, every bad field listed", async () => {
    const res = await execute("add", { args: { a: 1 }, timeout_ms: -1, extra: true });
    expect(res.status).toBe(400);
    const fields = (await res.json()).field_violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(expect.arrayContaining(["args", "timeout_ms", "extra"]));
  });

  it("answers 504 TimeoutError when the call outlives timeout_ms", async () => {
    const res = await execute("sleep", { kwargs: { ms: 10_000 }, timeout_ms: 50 });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error_type: "TimeoutError", tool_name: "sleep" });
  });

  it("answers 500 with the tool's own error type", async () => {
    const res = await execute("boom", {});
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error_type: "RangeError", detail: "out of range on purpose" });
  });

  it("answers 429 with Retry-After in whole seconds when rate limited", async () => {
    expect((await execute("limited", {})).status).toBe(200);
    const res = await execute("limited", {});
    expect(res.status).toBe(429);
    const problem = await res.json();
    expect(problem.error_type).toBe("RateLimitExceeded");
    expect(problem.retry_after_ms).toBeGreaterThan(0);
    expect(res.headers.get("retry-after")).toBe(String(Math.ceil(problem.retry_after_ms / 1000)));
  });

  it("answers 413 for a body over the host's message limit", async () => {
    const res = await execute("echo", { kwargs: { value: "y".repeat(LIMIT + 1) } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error_type: "MessageTooLarge",
      status: 413,
      details: { limit: String(LIMIT) },
    });
  });

  it("answers 413 for a result over the host's message limit", async () => {
    const res = await execute("big", { kwargs: { n: LIMIT } });
    expect(res.status).toBe(413);
    expect((await res.json()).error_type).toBe("MessageTooLarge");
  });

  it("returns the first outcome again for a repeated request_id", async () => {
    const first = await (await execute("echo", { kwargs: { value: "a" }, request_id: "same" })).json();
    const second = await (await execute("echo", { kwargs: { value: "b" }, request_id: "same" })).json();
    expect(second.result).toBe("a");
    expect(second.request_id).toBe(first.request_id);
  });
});

describe("POST /api/sessions/:id/tools/batch", () => {
  it("returns one result per request, in order, failures as problems", async () => {
    const requests = [
      { tool_id: "add", args: [1, 2] },
      { tool_id: "nope" },
      { tool_id: "echo", kwargs: { value: { $int: "12345678901234567" } } },
      { tool_id: "add", kwargs: { a: 1 } },
    ];
    const res = await gw.call("POST", `/api/sessions/${id}/tools/batch`, { requests });
    expect(res.status).toBe(200);
    const { results, metrics } = await res.json();
    expect(results.map((r: { success: boolean }) => r.success)).toEqual([true, false, true, false]);
    expect(results[0].result).toBe(3);
    expect(results[1].error).toMatchObject({ error_type: "ToolNotFound", status: 404 });
    expect(results[2].result).toEqual({ $int: "12345678901234567" });
    expect(results[3].error.field_violations[0].field).toBe("b");
    expect(metrics).toMatchObject({ succeeded: 2, failed: 2 });
  });

  it("runs items in parallel and keeps request order", async () => {
    const requests = [30, 1, 15].map((ms) => ({ tool_id: "sleep", kwargs: { ms } }));
    requests.push({ tool_id: "echo", kwargs: { value: "last" } } as never);
    const res = await gw.call("POST", `/api/sessions/${id}/tools/batch`, { requests, parallel: true });
    const { results } = await res.json();
    expect(results.map((r: { result: unknown }) => r.result)).toEqual(["woke", "woke", "woke", "last"]);
  });

  it("rejects a bad value anywhere in the batch, naming it", async () => {
    const requests = [
      { tool_id: "echo", kwargs: { value: 1 } },
      { tool_id: "echo", args: [{ $bytes: 7 }] },
    ];
    const res = await gw.call("POST", `/api/sessions/${id}/tools/batch`, { requests });
    expect(res.status).toBe(400);
    expect((await res.json()).field_violations[0].field).toBe("requests[1].args[0]");
  });
});
