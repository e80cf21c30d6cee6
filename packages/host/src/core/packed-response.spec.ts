import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import {
  type ExecuteToolResponse,
  ExecuteToolResponseSchema,
  ExecutionMetricsSchema,
  encodeValue,
} from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { successResponse } from "./execute-response.js";
import { PackedResponses } from "./packed-response.js";

const success = (requestId: string, value: unknown, durationMs = 1.25): ExecuteToolResponse =>
  successResponse(encodeValue(value), requestId, durationMs, 0.5, 17, 1);

describe("PackedResponses", () => {
  it("packs a success into a number and rebuilds an equal response, with its own copy of the value", () => {
    const codec = new PackedResponses();
    const original = success("req-1", { text: "hello", n: 42 }, Math.PI);
    const packed = codec.pack(original, "req-1");
    expect(typeof packed).toBe("number");
    const first = codec.unpack(packed, "req-1");
    expect(first).toEqual(create(ExecuteToolResponseSchema, original));
    (first.result?.value as Uint8Array).fill(0);
    expect(codec.unpack(packed, "req-1").result?.value).toEqual(original.result?.value);
  });

  it("keeps whole what its record cannot describe: failures, another request_id, a worker id", () => {
    const codec = new PackedResponses();
    const failed = create(ExecuteToolResponseSchema, {
      success: false,
      requestId: "r",
      error: { type: "ToolError", message: "boom" },
    });
    expect(codec.pack(failed, "r")).toBe(failed);
    const other = success("first", "x");
    expect(codec.pack(other, "second")).toBe(other);
    const fromWorker = create(ExecuteToolResponseSchema, {
      success: true,
      requestId: "w",
      result: create(AnySchema, encodeValue("x")),
      metrics: create(ExecutionMetricsSchema, { workerId: "python-1", attempts: 1 }),
    });
    expect(codec.pack(fromWorker, "w")).toBe(fromWorker);
    expect(codec.unpack(fromWorker, "w")).toBe(fromWorker);
  });

  it("records small and large values side by side; a page is let go of once its records are released", () => {
    const codec = new PackedResponses();
    const big = "b".repeat(50_000);
    const records = Array.from({ length: 1_200 }, (_, i) => {
      const value = i % 300 === 0 ? big : `v${i}`;
      return { id: `r${i}`, value, packed: codec.pack(success(`r${i}`, value), `r${i}`) };
    });
    const wrong = records.filter(({ id, value, packed }) => {
      const result = codec.unpack(packed, id).result;
      const expected = encodeValue(value);
      return result?.typeUrl !== expected.typeUrl || !Buffer.from(expected.value).equals(result.value);
    });
    expect(wrong).toEqual([]);
    const held = codec.pageCount;
    expect(held).toBeGreaterThan(4);
    for (const { packed } of records) codec.release(packed);
    // Only the page still being written stays.
    expect(codec.pageCount).toBe(1);
    // Released page numbers are used again: record numbers stay small integers.
    const again = codec.pack(success("again", big), "again") as number;
    expect(again).toBeLessThan(held * 16 * 1024);
    expect(codec.unpack(again, "again").result).toEqual(encodeValue(big));
  });

  it("counts a record's bytes for the cache's byte bound, large values in full", () => {
    const codec = new PackedResponses();
    const small = codec.sizeOf(codec.pack(success("s", "x"), "s"));
    const large = codec.sizeOf(codec.pack(success("l", "y".repeat(100_000)), "l"));
    expect(small).toBeGreaterThan(100);
    expect(large - small).toBeGreaterThanOrEqual(100_000 - 1);
  });
});
