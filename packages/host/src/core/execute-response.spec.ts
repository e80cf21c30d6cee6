import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { ExecuteToolResponseSchema, ExecutionMetricsSchema, encodeValue } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { successResponse } from "./execute-response.js";

describe("successResponse", () => {
  it("is the message create() makes, every field included (a field added to the proto fails here)", () => {
    const result = encodeValue("benchmark_input");
    const made = successResponse(result, "req-1", 1.5, 0.25, 17, 1);
    const reference = create(ExecuteToolResponseSchema, {
      success: true,
      result,
      requestId: "req-1",
      metrics: create(ExecutionMetricsSchema, { durationMs: 1.5, queuedMs: 0.25, resultBytes: 17n, attempts: 1 }),
    });
    // Strict: create() fills in every scalar field, so one added to the proto and missing here fails.
    expect(made).toStrictEqual(reference);
  });

  it("carries any result as given", () => {
    const result = create(AnySchema, { typeUrl: "type.googleapis.com/x.Y", value: Uint8Array.of(1, 2) });
    const made = successResponse(result, "", 0, 0, 0, 1);
    expect(made.result).toBe(result);
    expect(made.metrics?.resultBytes).toBe(0n);
  });
});
