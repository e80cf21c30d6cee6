// Counterpart of the spec's BridgeServer integration test, against a real host over loopback.
import { create } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { decodeValue, encodeValue, StreamToolRequestSchema } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure } from "../testing/client.js";
import { must } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

const addNumbers = defineTool({
  name: "add_numbers",
  description: "Adds two numbers",
  input: z.object({ a: z.number(), b: z.number() }),
  handler: async ({ a, b }) => a + b,
});

const countToN = defineTool({
  name: "count_to_n",
  input: z.object({ n: z.number().int().min(0) }),
  async *handler({ n }) {
    for (let i = 1; i <= n; i++) yield i;
  },
});

const failing = defineTool({
  name: "failing",
  input: z.object({}),
  handler: async () => {
    throw new RangeError("out of range on purpose");
  },
});

let t: Started;
beforeAll(async () => {
  t = await startHost({ tools: [addNumbers, countToN, failing] });
  await t.client.unary("initializeSession", { sessionId: "test_session" });
});
afterAll(() => t.stop());

describe("tool execution", () => {
  it("executes tool successfully", async () => {
    const response = await t.client.unary("executeTool", {
      sessionId: "test_session",
      toolId: "add_numbers",
      args: [encodeValue(5), encodeValue(3)],
      requestId: "req_123",
    });
    expect(response.success).toBe(true);
    expect(decodeValue(must(response.result))).toBe(8);
    expect(response.requestId).toBe("req_123");
    expect(response.metrics?.durationMs).toBeGreaterThan(0);
  });

  it("generates a request_id when none is given", async () => {
    const response = await t.client.unary("executeTool", {
      sessionId: "test_session",
      toolId: "add_numbers",
      kwargs: { a: encodeValue(1), b: encodeValue(2) },
    });
    expect(response.success).toBe(true);
    expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("handles tool not found", async () => {
    const response = await t.client.unary("executeTool", { sessionId: "test_session", toolId: "missing_tool" });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("ToolNotFound");
    expect(response.error?.message).toContain("missing_tool");
  });

  it("handles invalid arguments, naming every bad field", async () => {
    const response = await t.client.unary("executeTool", {
      sessionId: "test_session",
      toolId: "add_numbers",
      args: [encodeValue("not_a_number")],
    });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("ValidationError");
    expect(response.error?.fieldViolations.map((v) => v.field).sort()).toEqual(["a", "b"]);
    expect(response.error?.details.a).toMatch(/number/);
    expect(response.error?.message).toContain("a:");
  });

  it("reports a throwing handler's error type and message, and keeps serving", async () => {
    const response = await t.client.unary("executeTool", { sessionId: "test_session", toolId: "failing" });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("RangeError");
    expect(response.error?.message).toBe("out of range on purpose");
    expect(response.error?.stacktrace).toBe("");
    const after = await t.client.unary("executeTool", {
      sessionId: "test_session",
      toolId: "add_numbers",
      args: [encodeValue(1), encodeValue(1)],
    });
    expect(decodeValue(must(after.result))).toBe(2);
  });

  it("answers an unknown session with NOT_FOUND naming it", async () => {
    const failure = await expectGrpcFailure(
      t.client.unary("executeTool", { sessionId: "no_such_session", toolId: "add_numbers" }),
    );
    expect(failure.code).toBe(status.NOT_FOUND);
    expect(failure.info?.type).toBe("SessionNotFound");
    expect(failure.info?.sessionId).toBe("no_such_session");
    expect(failure.info?.message).toContain("no_such_session");
  });
});

describe("streaming execution", () => {
  it("streams results progressively", async () => {
    const chunks = await t.client.collect(
      "streamTool",
      create(StreamToolRequestSchema, {
        sessionId: "test_session",
        toolId: "count_to_n",
        args: [encodeValue(3)],
        streamId: "stream_123",
      }),
    );
    expect(chunks).toHaveLength(4);
    const data = chunks.filter((c) => c.content.case === "data").map((c) => decodeValue(c.content.value as never));
    expect(data).toEqual([1, 2, 3]);
    expect(chunks.map((c) => Number(c.sequence))).toEqual([0, 1, 2, 3]);
    expect(chunks.every((c) => c.streamId === "stream_123")).toBe(true);
    const last = must(chunks.at(-1));
    expect(last.content.case).toBe("complete");
    if (last.content.case === "complete") expect(last.content.value.totalChunks).toBe(3n);
  });
});
