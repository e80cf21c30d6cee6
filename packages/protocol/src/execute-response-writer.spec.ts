import { create, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeExecuteToolResponse } from "./execute-response-writer.js";
import { ErrorInfoSchema } from "./gen/toolbridge/v1/errors_pb.js";
import { ExecuteToolResponseSchema, ExecutionMetricsSchema } from "./gen/toolbridge/v1/tools_pb.js";

const same = (init: Parameters<typeof create<typeof ExecuteToolResponseSchema>>[1]) => {
  const message = create(ExecuteToolResponseSchema, init);
  const written = writeExecuteToolResponse(message);
  expect(written).toBeDefined();
  expect(Buffer.from(written as Uint8Array)).toEqual(Buffer.from(toBinary(ExecuteToolResponseSchema, message)));
};

describe("writeExecuteToolResponse", () => {
  it("writes what toBinary writes for the edge cases", () => {
    same({});
    same({ success: true });
    same({ success: true, result: create(AnySchema, {}), metrics: create(ExecutionMetricsSchema, {}) });
    same({
      success: true,
      requestId: "3f1c0d8e-0000-4000-8000-000000000000",
      result: create(AnySchema, {
        typeUrl: "type.googleapis.com/google.protobuf.StringValue",
        value: Uint8Array.of(10, 1, 97),
      }),
      metrics: create(ExecutionMetricsSchema, {
        durationMs: -0,
        queuedMs: Number.NaN,
        resultBytes: 2n ** 64n - 1n,
        workerId: "wörker-😀",
        attempts: 2 ** 32 - 1,
      }),
    });
    same({ requestId: "é".repeat(200), result: create(AnySchema, { value: new Uint8Array(300).fill(7) }) });
    same({ requestId: "lone \ud800 surrogate", metrics: create(ExecutionMetricsSchema, { workerId: "\udfff" }) });
  });

  it("matches toBinary on random responses", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.string({ unit: "grapheme", maxLength: 80 }),
        fc.option(fc.record({ typeUrl: fc.string({ maxLength: 150 }), value: fc.uint8Array({ maxLength: 400 }) })),
        fc.option(
          fc.record({
            durationMs: fc.double(),
            queuedMs: fc.double(),
            resultBytes: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
            workerId: fc.string({ maxLength: 20 }),
            attempts: fc.nat({ max: 2 ** 32 - 1 }),
          }),
        ),
        (success, requestId, result, metrics) => {
          same({
            success,
            requestId,
            result: result ? create(AnySchema, result) : undefined,
            metrics: metrics ? create(ExecutionMetricsSchema, metrics) : undefined,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives each response bytes of its own, though small ones share a scratch buffer while written", () => {
    const response = (requestId: string, bytes: number) =>
      create(ExecuteToolResponseSchema, {
        success: true,
        requestId,
        result: create(AnySchema, { typeUrl: "t", value: new Uint8Array(bytes).fill(1) }),
      });
    const first = response("first", 10);
    const firstBytes = writeExecuteToolResponse(first) as Uint8Array;
    const copy = Buffer.from(Uint8Array.from(firstBytes));
    // A longer response, then one past the scratch size, then a short one again: none may touch the first.
    writeExecuteToolResponse(response("second-and-longer", 500));
    writeExecuteToolResponse(response("large", 64 * 1024));
    writeExecuteToolResponse(response("x", 1));
    expect(Buffer.from(firstBytes)).toEqual(copy);
    expect(Buffer.from(firstBytes)).toEqual(Buffer.from(toBinary(ExecuteToolResponseSchema, first)));
  });

  it("leaves failures and unknown fields to toBinary", () => {
    const failed = create(ExecuteToolResponseSchema, { error: create(ErrorInfoSchema, { type: "ToolError" }) });
    expect(writeExecuteToolResponse(failed)).toBeUndefined();
    const withUnknown = create(ExecuteToolResponseSchema, { success: true });
    withUnknown.$unknown = [{ no: 9, wireType: 0, data: Uint8Array.of(1) }];
    expect(writeExecuteToolResponse(withUnknown)).toBeUndefined();
  });
});
