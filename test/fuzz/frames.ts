import { create, type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  BatchExecuteToolsRequestSchema,
  CleanupSessionRequestSchema,
  DeleteVariableRequestSchema,
  ExecuteToolRequestSchema,
  encodeValue,
  GetSessionInfoRequestSchema,
  GetSessionToolsRequestSchema,
  GetVariableRequestSchema,
  InitializeSessionRequestSchema,
  ListVariablesRequestSchema,
  SetVariableRequestSchema,
  StreamToolRequestSchema,
  WatchVariablesRequestSchema,
} from "@toolbridge/protocol";
import fc from "fast-check";
import { anyBytes, bytesField, concat, VALUE_URL, varintField } from "./proto-bytes.js";

/** A frame for one BridgeService method. */
export interface WireCase {
  readonly method: string;
  readonly stream: boolean;
  readonly frame: Uint8Array;
  /** What kind of hostile input it is, for the report. */
  readonly kind: string;
}

export const UNARY_METHODS = [
  "InitializeSession",
  "CleanupSession",
  "GetSessionInfo",
  "GetSessionTools",
  "ExecuteTool",
  "BatchExecuteTools",
  "GetVariable",
  "SetVariable",
  "ListVariables",
  "DeleteVariable",
  "CreateReActAgent",
  "HealthCheck",
  "GetMetrics",
] as const;
export const STREAM_METHODS = ["StreamTool", "WatchVariables", "ExecuteAgent"] as const;

const bin = <D extends DescMessage>(schema: D, init: MessageInitShape<D>) => toBinary(schema, create(schema, init));

/** Valid frames to mutate, aimed at `sessionId` (which exists) and its tools. */
export function seedFrames(sessionId: string): { method: string; stream: boolean; frame: Uint8Array }[] {
  const arg = encodeValue({ a: [1, "two", 3.5], b: { c: null } });
  return [
    {
      method: "ExecuteTool",
      stream: false,
      frame: bin(ExecuteToolRequestSchema, { sessionId, toolId: "echo", kwargs: { value: arg }, timeoutMs: 1000 }),
    },
    {
      method: "StreamTool",
      stream: true,
      frame: bin(StreamToolRequestSchema, {
        sessionId,
        toolId: "chunks",
        kwargs: { count: encodeValue(3), intervalMs: encodeValue(0) },
      }),
    },
    {
      method: "BatchExecuteTools",
      stream: false,
      frame: bin(BatchExecuteToolsRequestSchema, {
        sessionId,
        items: [
          { toolId: "echo", kwargs: { value: arg } },
          { toolId: "echo", args: [arg] },
        ],
        config: { parallel: true, maxParallel: 2 },
      }),
    },
    {
      method: "SetVariable",
      stream: false,
      frame: bin(SetVariableRequestSchema, { sessionId, name: "v", value: arg, tags: ["t"] }),
    },
    { method: "GetVariable", stream: false, frame: bin(GetVariableRequestSchema, { sessionId, name: "v" }) },
    {
      method: "ListVariables",
      stream: false,
      frame: bin(ListVariablesRequestSchema, { sessionId, prefix: "v", limit: 10 }),
    },
    { method: "DeleteVariable", stream: false, frame: bin(DeleteVariableRequestSchema, { sessionId, name: "gone" }) },
    {
      method: "WatchVariables",
      stream: true,
      frame: bin(WatchVariablesRequestSchema, { sessionId, names: ["v"], includeInitial: true }),
    },
    { method: "GetSessionInfo", stream: false, frame: bin(GetSessionInfoRequestSchema, { sessionId }) },
    { method: "GetSessionTools", stream: false, frame: bin(GetSessionToolsRequestSchema, { sessionId }) },
    {
      method: "InitializeSession",
      stream: false,
      frame: bin(InitializeSessionRequestSchema, {
        sessionId: "fuzz-new",
        metadata: { k: "v" },
        config: { idleTtlMs: 60_000n },
      }),
    },
    { method: "CleanupSession", stream: false, frame: bin(CleanupSessionRequestSchema, { sessionId: "fuzz-other" }) },
  ];
}

const anyMethod = fc.constantFrom(
  ...UNARY_METHODS.map((method) => ({ method, stream: false })),
  ...STREAM_METHODS.map((method) => ({ method, stream: true })),
);

/** Random bytes sent to any method. */
export const randomFrames: fc.Arbitrary<WireCase> = fc
  .record({ target: anyMethod, frame: fc.uint8Array({ maxLength: 256 }) })
  .map(({ target, frame }) => ({ ...target, frame, kind: "random frame" }));

/** A valid frame with bytes flipped, cut, inserted or repeated. */
export function mutatedFrames(sessionId: string): fc.Arbitrary<WireCase> {
  const seeds = seedFrames(sessionId);
  const mutation = fc.oneof(
    fc.record({ op: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({
      op: fc.constant("insert" as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({ op: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
  );
  return fc
    .record({ seed: fc.constantFrom(...seeds), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
    .map(({ seed, mutations }) => {
      let frame = seed.frame;
      for (const m of mutations) {
        const at = frame.byteLength === 0 ? 0 : m.at % frame.byteLength;
        if (m.op === "flip") frame = Uint8Array.from(frame, (b, i) => (i === at ? m.value : b));
        else if (m.op === "truncate") frame = frame.slice(0, at);
        else if (m.op === "insert") frame = concat([frame.slice(0, at), m.bytes, frame.slice(at)]);
        else
          frame = concat([frame.slice(0, at + m.length), frame.slice(at, at + m.length), frame.slice(at + m.length)]);
      }
      return { method: seed.method, stream: seed.stream, frame, kind: "mutated frame" };
    });
}

const TYPE_URLS = [
  VALUE_URL,
  "type.googleapis.com/google.protobuf.StringValue",
  "type.googleapis.com/google.protobuf.Int64Value",
  "type.googleapis.com/google.protobuf.DoubleValue",
  "type.googleapis.com/google.protobuf.BoolValue",
  "type.googleapis.com/google.protobuf.BytesValue",
  "type.googleapis.com/google.protobuf.Timestamp",
  "type.googleapis.com/google.protobuf.ListValue",
  "type.googleapis.com/google.protobuf.Struct",
  "type.googleapis.com/google.protobuf.Value",
  "type.googleapis.com/pandas.DataFrame",
  "type.googleapis.com/toolbridge.v1.ExecuteToolRequest",
  "type.googleapis.com/",
  "",
  "not a url",
];

/** Valid payload bytes of one type labelled as another (or garbage under a real type). */
const wrongAny = fc
  .record({
    typeUrl: fc.oneof(fc.constantFrom(...TYPE_URLS), fc.string({ maxLength: 40 })),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(
        encodeValue("text").value,
        encodeValue(12n).value,
        encodeValue(new Date(0)).value,
        encodeValue([1, 2]).value,
        encodeValue({ a: 1 }).value,
        encodeValue(new Uint8Array([1, 2])).value,
      ),
    ),
  })
  .map(({ typeUrl, payload }) => anyBytes(typeUrl, payload));

/** An Any in the args or kwargs of ExecuteTool, StreamTool, a batch item or a variable. */
function carry(sessionId: string, any: Uint8Array, where: number, kind: string): WireCase {
  const session = bytesField(1, sessionId);
  switch (where % 4) {
    case 0:
      return {
        method: "ExecuteTool",
        stream: false,
        kind,
        frame: concat([
          session,
          bytesField(2, "echo"),
          bytesField(4, concat([bytesField(1, "value"), bytesField(2, any)])),
        ]),
      };
    case 1:
      return {
        method: "StreamTool",
        stream: true,
        kind,
        frame: concat([session, bytesField(2, "chunks"), bytesField(3, any)]),
      };
    case 2:
      return {
        method: "BatchExecuteTools",
        stream: false,
        kind,
        frame: concat([session, bytesField(2, concat([bytesField(1, "echo"), bytesField(2, any)]))]),
      };
    default:
      return {
        method: "SetVariable",
        stream: false,
        kind,
        frame: concat([session, bytesField(2, "fuzzed"), bytesField(3, any)]),
      };
  }
}

export function wrongAnyCases(sessionId: string): fc.Arbitrary<WireCase> {
  return fc.tuple(wrongAny, fc.nat()).map(([any, where]) => carry(sessionId, any, where, "wrong type inside Any"));
}

/** Byte sequences that are not UTF-8: lone continuation bytes, overlongs, surrogates, truncations. */
const invalidUtf8 = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      [0x80],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xff],
      [0xfe, 0xff],
    ),
    fc.string({ maxLength: 8 }),
  )
  .map(([a, bad, b]) => concat([new TextEncoder().encode(a), Uint8Array.from(bad), new TextEncoder().encode(b)]));

export function invalidUtf8Cases(sessionId: string): fc.Arbitrary<WireCase> {
  return fc.tuple(invalidUtf8, fc.nat(5)).map(([bad, where]): WireCase => {
    const kind = "invalid UTF-8";
    const session = bytesField(1, sessionId);
    switch (where) {
      case 0:
        return {
          method: "ExecuteTool",
          stream: false,
          kind,
          frame: concat([bytesField(1, bad), bytesField(2, "echo")]),
        };
      case 1:
        return { method: "ExecuteTool", stream: false, kind, frame: concat([session, bytesField(2, bad)]) };
      case 2:
        return {
          method: "ExecuteTool",
          stream: false,
          kind,
          frame: concat([
            session,
            bytesField(2, "echo"),
            bytesField(4, concat([bytesField(1, bad), bytesField(2, anyBytes(VALUE_URL, varintField(2, 1)))])),
          ]),
        };
      case 3:
        return carry(sessionId, anyBytes(VALUE_URL, bytesField(5, bad)), 0, kind); // Value.string_value
      case 4:
        return {
          method: "SetVariable",
          stream: false,
          kind,
          frame: concat([session, bytesField(2, bad), bytesField(3, anyBytes(VALUE_URL, varintField(2, 1)))]),
        };
      default:
        return { method: "InitializeSession", stream: false, kind, frame: concat([bytesField(1, bad)]) };
    }
  });
}

/** Enum fields with values no version of the contract defines. */
export function unknownEnumCases(sessionId: string): fc.Arbitrary<WireCase> {
  const absurd = fc.oneof(fc.integer({ min: 7, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: -1 }));
  return fc.tuple(absurd, fc.nat(), fc.boolean()).map(([value, where, inTable]) => {
    const payload = inTable
      ? // Table{num_rows: 1, columns: [{name: "c", type: value, data: 8 bytes}]}
        bytesField(
          10,
          concat([
            varintField(1, 1),
            bytesField(2, concat([bytesField(1, "c"), varintField(2, value), bytesField(3, new Uint8Array(8))])),
          ]),
        )
      : varintField(1, value); // Value.null_value
    return carry(sessionId, anyBytes(VALUE_URL, payload), where, "unknown enum value");
  });
}

/** Timeouts in the message (uint32 fields fed negative and huge varints) and absurd gRPC deadlines. */
export function timeoutCases(sessionId: string): fc.Arbitrary<WireCase & { deadlineMs: number }> {
  const raw = fc.oneof(
    fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1),
    fc.bigInt({ min: -(2n ** 63n), max: -1n }),
    fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n - 1n }),
  );
  return fc.tuple(raw, fc.nat(3), fc.constantFrom(-1000, 0, 1, 50, 3000)).map(([value, where, deadlineMs]) => {
    const session = bytesField(1, sessionId);
    const kind = "absurd timeout";
    const slow = bytesField(
      4,
      concat([
        bytesField(1, "ms"),
        bytesField(2, anyBytes("type.googleapis.com/google.protobuf.Int64Value", varintField(1, 5))),
      ]),
    );
    switch (where) {
      case 0:
        return {
          method: "ExecuteTool",
          stream: false,
          kind,
          deadlineMs,
          frame: concat([session, bytesField(2, "slow"), slow, varintField(6, value)]),
        };
      case 1:
        return {
          method: "BatchExecuteTools",
          stream: false,
          kind,
          deadlineMs,
          frame: concat([session, bytesField(2, bytesField(1, "echo")), varintField(4, value)]),
        };
      case 2:
        return {
          method: "StreamTool",
          stream: true,
          kind,
          deadlineMs,
          frame: concat([session, bytesField(2, "chunks"), varintField(6, value)]),
        };
      default:
        // SessionConfig{default_timeout_ms, idle_ttl_ms} of a new session
        return {
          method: "InitializeSession",
          stream: false,
          kind,
          deadlineMs,
          frame: concat([
            bytesField(1, `fuzz-ttl-${String(value)}`),
            bytesField(4, concat([varintField(2, value), varintField(3, value)])),
          ]),
        };
    }
  });
}
