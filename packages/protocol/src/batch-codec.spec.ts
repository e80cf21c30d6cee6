// The hand-written BatchExecuteTools codecs against protobuf-es, byte for byte and field for field.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  readBatchExecuteToolsResponse,
  writeBatchExecuteToolsRequest,
  writeBatchExecuteToolsResponse,
} from "./batch-codec.js";
import { encodeValue } from "./codec/index.js";
import { ErrorInfoSchema } from "./gen/toolbridge/v1/errors_pb.js";
import {
  BatchExecuteToolsRequestSchema,
  BatchExecuteToolsResponseSchema,
  ExecuteToolResponseSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { hasPlainPrototype } from "./own-keys.js";

type RequestInit = Parameters<typeof create<typeof BatchExecuteToolsRequestSchema>>[1];
type ResponseInit = Parameters<typeof create<typeof BatchExecuteToolsResponseSchema>>[1];

const anyArb = fc.record({ typeUrl: fc.string({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 100 }) });
const textArb = fc.string({ unit: "grapheme", maxLength: 40 });

function sameRequest(init: RequestInit): void {
  const message = create(BatchExecuteToolsRequestSchema, init);
  const written = writeBatchExecuteToolsRequest(message);
  if (written === undefined) {
    // Left to toBinary: only an item whose kwargs have a "__proto__" entry, as an own key or as their prototype.
    expect(
      message.items.some((item) => Object.hasOwn(item.kwargs, "__proto__") || !hasPlainPrototype(item.kwargs)),
    ).toBe(true);
    return;
  }
  expect(Buffer.from(written as Uint8Array)).toEqual(Buffer.from(toBinary(BatchExecuteToolsRequestSchema, message)));
}

function sameResponse(init: ResponseInit): void {
  const message = create(BatchExecuteToolsResponseSchema, init);
  const written = writeBatchExecuteToolsResponse(message);
  const reference = toBinary(BatchExecuteToolsResponseSchema, message);
  expect(Buffer.from(written)).toEqual(Buffer.from(reference));
  sameRead(written);
}

/** The reader gives what fromBinary gives, or throws when it throws. */
function sameRead(bytes: Uint8Array): void {
  let expected: unknown;
  try {
    expected = fromBinary(BatchExecuteToolsResponseSchema, bytes);
  } catch {
    expect(() => readBatchExecuteToolsResponse(bytes)).toThrow();
    return;
  }
  expect(readBatchExecuteToolsResponse(bytes)).toStrictEqual(expected);
}

const itemArb = fc.record({
  toolId: textArb,
  args: fc.array(anyArb, { maxLength: 3 }),
  kwargs: fc.dictionary(fc.string({ maxLength: 8 }), anyArb, { maxKeys: 3 }),
  requestId: textArb,
});

const resultArb = fc.oneof(
  fc.record({
    success: fc.constant(true),
    result: anyArb,
    requestId: fc.string({ maxLength: 40 }),
    metrics: fc.option(fc.record({ durationMs: fc.double({ noNaN: true }) }), { nil: undefined }),
  }),
  fc.record({
    success: fc.constant(false),
    error: fc.record({ type: fc.string({ maxLength: 20 }), message: textArb }),
    requestId: textArb,
  }),
);

describe("writeBatchExecuteToolsRequest", () => {
  it("writes what toBinary writes for a client batch and the edge cases", () => {
    sameRequest({
      sessionId: "bench-1",
      items: Array.from({ length: 50 }, (_, i) => ({
        toolId: "echo",
        args: [encodeValue(`x${i}`)],
        requestId: `r${i}`,
      })),
      config: { parallel: true, maxParallel: 16 },
    });
    sameRequest({});
    sameRequest({ items: [{}], config: {}, timeoutMs: 2 ** 32 - 1 });
    sameRequest({ items: [{ kwargs: { b: encodeValue(1), 1: create(AnySchema) }, toolId: "lone \ud800" }] });
  });

  it("matches toBinary on random batches", () => {
    fc.assert(
      fc.property(
        textArb,
        fc.array(itemArb, { maxLength: 5 }),
        fc.option(fc.record({ parallel: fc.boolean(), stopOnError: fc.boolean(), maxParallel: fc.nat() }), {
          nil: undefined,
        }),
        fc.nat({ max: 2 ** 32 - 1 }),
        (sessionId, items, config, timeoutMs) => {
          sameRequest({
            sessionId,
            items: items.map((item) => ({
              ...item,
              args: item.args.map((a) => create(AnySchema, a)),
              kwargs: Object.fromEntries(Object.entries(item.kwargs).map(([k, a]) => [k, create(AnySchema, a)])),
            })),
            ...(config ? { config } : {}),
            timeoutMs,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves unknown fields, numbers toBinary refuses and "__proto__" keys to toBinary', () => {
    const withUnknown = create(BatchExecuteToolsRequestSchema, { items: [{ toolId: "t" }] });
    (withUnknown.items[0] as { $unknown?: unknown }).$unknown = [{ no: 99, wireType: 0, data: Uint8Array.of(1) }];
    expect(writeBatchExecuteToolsRequest(withUnknown)).toBeUndefined();
    expect(writeBatchExecuteToolsRequest(create(BatchExecuteToolsRequestSchema, { timeoutMs: -1 }))).toBeUndefined();
    const proto = create(BatchExecuteToolsRequestSchema, { items: [{}] });
    const kwargs = (proto.items[0] as { kwargs: Record<string, unknown> }).kwargs;
    Object.defineProperty(kwargs, "__proto__", { value: create(AnySchema), enumerable: true });
    expect(writeBatchExecuteToolsRequest(proto)).toBeUndefined();
    // create() assigns a "__proto__" entry, so it becomes the map's prototype, whose fields for...in would visit.
    const assigned = Object.fromEntries([["__proto__", create(AnySchema)]]);
    expect(
      writeBatchExecuteToolsRequest(create(BatchExecuteToolsRequestSchema, { items: [{ kwargs: assigned }] })),
    ).toBeUndefined();
  });
});

describe("BatchExecuteToolsResponse writer and reader", () => {
  it("write what toBinary writes and read what fromBinary reads, for successes, errors and metrics", () => {
    sameResponse({
      results: [
        create(ExecuteToolResponseSchema, { success: true, result: encodeValue("hi"), requestId: "r1" }),
        create(ExecuteToolResponseSchema, {
          error: create(ErrorInfoSchema, { type: "ValidationError", message: "bad" }),
          requestId: "r2",
        }),
      ],
      metrics: { totalDurationMs: 1.5, succeeded: 1, failed: 1 },
    });
    sameResponse({});
    sameResponse({ metrics: {} });
  });

  it("match protobuf-es on random responses", () => {
    fc.assert(
      fc.property(
        fc.array(resultArb, { maxLength: 6 }),
        fc.option(fc.record({ totalDurationMs: fc.double(), succeeded: fc.nat(), cancelled: fc.nat() }), {
          nil: undefined,
        }),
        (results, metrics) => {
          sameResponse({
            results: results.map((r) =>
              create(ExecuteToolResponseSchema, {
                ...r,
                ...("result" in r ? { result: create(AnySchema, r.result) } : {}),
                ...("error" in r ? { error: create(ErrorInfoSchema, r.error) } : {}),
              }),
            ),
            ...(metrics ? { metrics } : {}),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads reordered, repeated and broken bytes as fromBinary does", () => {
    sameRead(Uint8Array.of(0x12, 0x00, 0x0a, 0x02, 0x08, 0x01)); // metrics before a result
    sameRead(Uint8Array.of(0x12, 0x00, 0x12, 0x00)); // metrics twice
    sameRead(Uint8Array.of(0x0a, 0x05, 0x08)); // truncated
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), sameRead), { numRuns: 500 });
  });
});
