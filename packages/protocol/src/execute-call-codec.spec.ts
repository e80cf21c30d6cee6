// The client's hand-written ExecuteTool codecs against protobuf-es, byte for byte and field for field.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeValue } from "./codec/index.js";
import { readExecuteToolRequest } from "./execute-request-reader.js";
import { writeExecuteToolRequest } from "./execute-request-writer.js";
import { readExecuteToolResponse } from "./execute-response-reader.js";
import { writeExecuteToolResponse } from "./execute-response-writer.js";
import { ErrorInfoSchema } from "./gen/toolbridge/v1/errors_pb.js";
import {
  ExecuteToolRequestSchema,
  ExecuteToolResponseSchema,
  ExecutionMetricsSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { hasPlainPrototype } from "./own-keys.js";

type RequestInit = Parameters<typeof create<typeof ExecuteToolRequestSchema>>[1];
type ResponseInit = Parameters<typeof create<typeof ExecuteToolResponseSchema>>[1];

const anyArb = fc.record({ typeUrl: fc.string({ maxLength: 80 }), value: fc.uint8Array({ maxLength: 200 }) });
const textArb = fc.string({ unit: "grapheme", maxLength: 60 });

const hasProtoEntry = (map: object) => Object.hasOwn(map, "__proto__") || !hasPlainPrototype(map);

/** Written as toBinary writes it, and read back as fromBinary reads it. */
function sameRequest(init: RequestInit): void {
  const message = create(ExecuteToolRequestSchema, init);
  const written = writeExecuteToolRequest(message);
  if (written === undefined) {
    // Left to toBinary: only a map with a "__proto__" entry, as an own key or as its prototype.
    expect([message.kwargs, message.context].some(hasProtoEntry)).toBe(true);
    return;
  }
  expect(Buffer.from(written as Uint8Array)).toEqual(Buffer.from(toBinary(ExecuteToolRequestSchema, message)));
  sameRequestRead(Buffer.from(written as Uint8Array));
}

/** The reader gives what fromBinary gives, or throws when it throws. */
function sameRead<T>(read: (bytes: Uint8Array) => T, reference: (bytes: Uint8Array) => T, bytes: Uint8Array): void {
  let expected: T;
  try {
    expected = reference(bytes);
  } catch {
    expect(() => read(bytes)).toThrow();
    return;
  }
  expect(read(bytes)).toStrictEqual(expected);
}

const sameResponse = (bytes: Uint8Array) =>
  sameRead(readExecuteToolResponse, (b) => fromBinary(ExecuteToolResponseSchema, b), bytes);
const sameRequestRead = (bytes: Uint8Array) =>
  sameRead(readExecuteToolRequest, (b) => fromBinary(ExecuteToolRequestSchema, b), bytes);

describe("writeExecuteToolRequest", () => {
  it("writes what toBinary writes for a proxy call and for the edge cases", () => {
    sameRequest({
      sessionId: "bench-1",
      toolId: "echo",
      args: [encodeValue("benchmark_input")],
      requestId: "7b2c9a3e-1111-4a4a-9b9b-0123456789ab.1k3",
    });
    sameRequest({});
    sameRequest({ args: [create(AnySchema)], kwargs: { "": create(AnySchema) }, context: { "": "" } });
    // create() assigns a "__proto__" entry, so it becomes the map's prototype (found by the random test below).
    sameRequest({ kwargs: Object.fromEntries([["__proto__", create(AnySchema)]]) });
    // ...while a string entry stays an own key (seed 565764024).
    sameRequest({ context: Object.fromEntries([["__proto__", ""]]) });
    sameRequest({
      sessionId: "sé😀",
      toolId: "lone \ud800",
      kwargs: { b: encodeValue(1), a: encodeValue({ x: [1, 2] }), 1: encodeValue(null) },
      timeoutMs: 2 ** 32 - 1,
      context: { trace: "t-1", ü: "ö" },
      args: [create(AnySchema, { typeUrl: "t", value: new Uint8Array(70_000).fill(3) })],
    });
  });

  it("matches toBinary on random requests", () => {
    fc.assert(
      fc.property(
        textArb,
        textArb,
        fc.array(anyArb, { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 10 }), anyArb, { maxKeys: 4 }),
        textArb,
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        (sessionId, toolId, args, kwargs, requestId, timeoutMs, context) => {
          sameRequest({
            sessionId,
            toolId,
            args: args.map((a) => create(AnySchema, a)),
            kwargs: Object.fromEntries(Object.entries(kwargs).map(([k, a]) => [k, create(AnySchema, a)])),
            requestId,
            timeoutMs,
            context,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves unknown fields, timeouts toBinary refuses and "__proto__" keys to toBinary', () => {
    const withUnknown = create(ExecuteToolRequestSchema, { toolId: "t" });
    withUnknown.$unknown = [{ no: 99, wireType: 0, data: Uint8Array.of(1) }];
    expect(writeExecuteToolRequest(withUnknown)).toBeUndefined();
    expect(writeExecuteToolRequest(create(ExecuteToolRequestSchema, { timeoutMs: -1 }))).toBeUndefined();
    const proto = create(ExecuteToolRequestSchema, { context: JSON.parse('{"__proto__": "x"}') });
    expect(writeExecuteToolRequest(proto)).toBeUndefined();
  });

  it("gives each request bytes of its own", () => {
    const first = writeExecuteToolRequest(create(ExecuteToolRequestSchema, { toolId: "first" })) as Uint8Array;
    const copy = Buffer.from(Uint8Array.from(first));
    writeExecuteToolRequest(create(ExecuteToolRequestSchema, { toolId: "second, longer", requestId: "r" }));
    expect(Buffer.from(first)).toEqual(copy);
  });
});

describe("readExecuteToolRequest", () => {
  it("reads non-canonical and broken bytes as fromBinary does", () => {
    // Fields out of order, a repeated map key, an entry without its value, "__proto__" as a key, truncation.
    sameRequestRead(Uint8Array.of(0x12, 0x01, 0x74, 0x0a, 0x01, 0x73));
    sameRequestRead(
      Uint8Array.of(0x3a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x61, 0x3a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x62),
    );
    sameRequestRead(Uint8Array.of(0x3a, 0x03, 0x0a, 0x01, 0x6b));
    sameRequestRead(Buffer.from([0x3a, 0x0e, 0x0a, 0x09, ...Buffer.from("__proto__"), 0x12, 0x01, 0x61]));
    sameRequestRead(Uint8Array.of(0x1a, 0x05, 0x0a, 0x01));
    sameRequestRead(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff, 0x1f));
  });

  it("matches fromBinary on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), sameRequestRead), { numRuns: 500 });
  });
});

describe("readExecuteToolResponse", () => {
  const write = (init: ResponseInit) => toBinary(ExecuteToolResponseSchema, create(ExecuteToolResponseSchema, init));

  it("reads what fromBinary reads for the host's success shape and the edge cases", () => {
    const hostWritten = writeExecuteToolResponse(
      create(ExecuteToolResponseSchema, {
        success: true,
        result: encodeValue("benchmark_input"),
        requestId: "7b2c9a3e-1111-4a4a-9b9b-0123456789ab.1k3",
        metrics: create(ExecutionMetricsSchema, { durationMs: 0.0123, queuedMs: 0.5, resultBytes: 17n, attempts: 1 }),
      }),
    ) as Uint8Array;
    sameResponse(Buffer.from(hostWritten));
    sameResponse(hostWritten);
    sameResponse(write({}));
    sameResponse(write({ success: true, result: create(AnySchema), metrics: create(ExecutionMetricsSchema) }));
    sameResponse(write({ result: create(AnySchema, { typeUrl: "ü", value: Uint8Array.of(1) }) }));
    sameResponse(write({ metrics: create(ExecutionMetricsSchema, { resultBytes: 2n ** 64n - 1n, workerId: "w" }) }));
    sameResponse(write({ error: create(ErrorInfoSchema, { type: "ToolError", message: "no" }), requestId: "r" }));
    // Non-canonical but valid (a false bool written out, a repeated field) and broken bytes.
    sameResponse(Uint8Array.of(0x08, 0x00));
    sameResponse(Uint8Array.of(0x2a, 0x01, 0x61, 0x2a, 0x01, 0x62));
    sameResponse(Uint8Array.of(0x12, 0x05, 0x0a));
    sameResponse(Uint8Array.of(0x22, 0x09, 0x09, 0, 0));
  });

  it("matches fromBinary on random responses and on random bytes", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        textArb,
        fc.option(anyArb, { nil: undefined }),
        fc.option(
          fc.record({
            durationMs: fc.double(),
            queuedMs: fc.double(),
            resultBytes: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
            workerId: fc.string({ maxLength: 20 }),
            attempts: fc.nat({ max: 2 ** 32 - 1 }),
          }),
          { nil: undefined },
        ),
        (success, requestId, result, metrics) => {
          sameResponse(
            write({
              success,
              requestId,
              ...(result ? { result: create(AnySchema, result) } : {}),
              ...(metrics ? { metrics: create(ExecutionMetricsSchema, metrics) } : {}),
            }),
          );
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), sameResponse), { numRuns: 500 });
  });
});
