import { create, fromBinary } from "@bufbuild/protobuf";
import {
  AnySchema,
  BoolValueSchema,
  DoubleValueSchema,
  Int64ValueSchema,
  StringValueSchema,
  TimestampSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EncodeError, ProtocolError } from "../errors.js";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";
import { CodecRegistry, RawExtension } from "./extensions.js";
import { Float64 } from "./float64.js";

const P = "type.googleapis.com/";
const roundTrip = (v: unknown) => decodeValue(encodeValue(v));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

// TypeScript counterparts of the testing strategy's test_serialization.py.
describe("serialization (spec counterparts)", () => {
  it.each([
    ["hello", "google.protobuf.StringValue"],
    [42, "google.protobuf.Int64Value"],
    [3.14, "google.protobuf.DoubleValue"],
    [true, "google.protobuf.BoolValue"],
    [null, "google.protobuf.Value"],
    [["a", "b"], "google.protobuf.ListValue"],
    [{ key: "value" }, "google.protobuf.Struct"],
  ])("basic type %j travels as %s and round-trips", (value, typeName) => {
    const any = encodeValue(value);
    expect(any.$typeName).toBe("google.protobuf.Any");
    expect(any.typeUrl).toBe(P + typeName);
    expect(decodeValue(any)).toStrictEqual(value);
  });

  it("round-trips the spec's nested structure with its ints", () => {
    const data = {
      users: [
        { id: 1, name: "Alice", scores: [95, 87, 92] },
        { id: 2, name: "Bob", scores: [88, 91, 85] },
      ],
      metadata: { version: "1.0", count: 2 },
    };
    const any = encodeValue(data);
    expect(any.typeUrl).toBe(`${P}toolbridge.v1.Value`);
    expect(decodeValue(any)).toStrictEqual(data);
  });

  it("sends unknown class instances as their string form under typescript.<Class>", () => {
    class CustomObject {
      toString() {
        return "custom_object";
      }
    }
    const any = encodeValue(new CustomObject());
    expect(any.typeUrl).toBe(`${P}typescript.CustomObject`);
    expect(decodeValue(any)).toBe("custom_object");
    expect(roundTrip([new CustomObject()])).toStrictEqual(["custom_object"]);
  });
});

describe("wire form of scalars", () => {
  it("uses the well-known wrappers readable by protobuf-es", () => {
    expect(fromBinary(StringValueSchema, encodeValue("hé").value).value).toBe("hé");
    expect(fromBinary(Int64ValueSchema, encodeValue(-(2n ** 63n)).value).value).toBe(-(2n ** 63n));
    expect(fromBinary(DoubleValueSchema, encodeValue(0.1).value).value).toBe(0.1);
    expect(fromBinary(BoolValueSchema, encodeValue(false).value).value).toBe(false);
    expect(fromBinary(TimestampSchema, encodeValue(new Date(1500)).value)).toMatchObject({ seconds: 1n, nanos: 5e8 });
  });

  it("sends safe integers as ints, everything else as doubles", () => {
    expect(encodeValue(2 ** 53 - 1).typeUrl).toBe(`${P}google.protobuf.Int64Value`);
    expect(encodeValue(2 ** 53).typeUrl).toBe(`${P}google.protobuf.DoubleValue`);
    expect(encodeValue(-0).typeUrl).toBe(`${P}google.protobuf.DoubleValue`);
    expect(encodeValue(new Float64(2)).typeUrl).toBe(`${P}google.protobuf.DoubleValue`);
    expect(roundTrip(-0)).toBe(-0);
    expect(roundTrip(Number.NaN)).toBeNaN();
  });

  it("returns safe ints as numbers and larger ones as bigints", () => {
    expect(roundTrip(5n)).toBe(5);
    expect(roundTrip(2n ** 53n + 1n)).toBe(2n ** 53n + 1n);
    expect(roundTrip([-(2n ** 63n), 2n ** 63n - 1n])).toStrictEqual([-(2n ** 63n), 2n ** 63n - 1n]);
  });

  it("keeps integral floats as Float64 only when asked", () => {
    const any = encodeValue({ f: new Float64(1) });
    expect(any.typeUrl).toBe(`${P}google.protobuf.Struct`);
    expect(decodeValue(any)).toStrictEqual({ f: 1 });
    expect(decodeValue(any, { exactFloats: true })).toStrictEqual({ f: new Float64(1) });
    expect(decodeValue(encodeValue(1.5), { exactFloats: true })).toBe(1.5);
  });

  it("maps undefined like JSON: null in lists and at the top, dropped from objects", () => {
    expect(roundTrip(undefined)).toBeNull();
    expect(roundTrip([undefined])).toStrictEqual([null]);
    expect(roundTrip({ a: undefined, b: 1 })).toStrictEqual({ b: 1 });
  });
});

describe("lossless containers", () => {
  it("round-trips bytes, dates, nanosecond timestamps, non-finite floats", () => {
    const ts = create(TimestampSchema, { seconds: 1n, nanos: 1 });
    const value = {
      raw: new Uint8Array([0, 255]),
      at: new Date(Date.UTC(2024, 1, 29, 12)),
      ns: ts,
      floats: [Number.NaN, Number.POSITIVE_INFINITY, -0, 0.5],
    };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it("round-trips Maps with non-string keys in order; string-keyed Maps become objects", () => {
    const m = new Map<unknown, unknown>([
      [1, "one"],
      ["s", 2],
      [null, true],
      [10n ** 18n, [1]],
    ]);
    expect(roundTrip(m)).toStrictEqual(m);
    expect(roundTrip(new Map([["a", "x"]]))).toStrictEqual({ a: "x" });
  });

  it("keeps __proto__ as data, never as a prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}}') as object;
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toStrictEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("shared subtrees are not cycles", () => {
    const shared = [1];
    expect(roundTrip([shared, shared])).toStrictEqual([[1], [1]]);
  });
});

describe("errors", () => {
  it("names the path of a bad int", () => {
    const err = thrown(() => encodeValue({ users: [{ scores: [1] }, { scores: [2n ** 64n] }] }));
    expect(err).toBeInstanceOf(EncodeError);
    expect((err as EncodeError).path).toBe("$.users[1].scores[0]");
    expect((err as EncodeError).message).toMatch(/int64/);
  });

  it("rejects cycles, lone surrogates, functions and invalid dates", () => {
    const cyclic: { a: unknown[] } = { a: [1] };
    cyclic.a.push(cyclic);
    expect(thrown(() => encodeValue(cyclic))).toMatchObject({
      path: "$.a[1]",
      message: expect.stringMatching(/cyclic/),
    });
    expect(thrown(() => encodeValue({ k: ["\ud800"] }))).toMatchObject({ path: "$.k[0]" });
    expect(thrown(() => encodeValue([() => 1]))).toBeInstanceOf(EncodeError);
    expect(thrown(() => encodeValue({ d: new Date(Number.NaN) }))).toMatchObject({ path: "$.d" });
    expect(thrown(() => encodeValue(new Date(Date.UTC(10000, 0, 1))))).toBeInstanceOf(EncodeError);
  });

  it("applies the configurable depth limit on both sides", () => {
    const deep = [[[["x"]]]];
    expect(decodeValue(encodeValue(deep, { maxDepth: 4 }))).toStrictEqual(deep);
    expect(thrown(() => encodeValue(deep, { maxDepth: 3 }))).toBeInstanceOf(EncodeError);
    expect(thrown(() => decodeValue(encodeValue(deep), { maxDepth: 2 }))).toBeInstanceOf(ProtocolError);
  });

  it("rejects a 10 000-deep wire value at the limit instead of exhausting the stack", () => {
    // Value{list_value: ValueList{values: [ ... ]}} 10 000 times around int 1, prefixes built inside out.
    const prefixes: number[][] = [];
    let length = 2;
    for (let i = 0; i < 10_000; i++) {
      const entry = [0x0a, ...varint(length)];
      const outer = [0x42, ...varint(length + entry.length)];
      prefixes.push([...outer, ...entry]);
      length += outer.length + entry.length;
    }
    const body = Uint8Array.from([...prefixes.reverse().flat(), 0x18, 0x02]);
    const err = thrown(() => decodeValue(create(AnySchema, { typeUrl: `${P}toolbridge.v1.Value`, value: body })));
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).message).toMatch(/deeper than 128/);
  });

  it("rejects a 10 000-deep caller value without a stack overflow", () => {
    let v: unknown = 1;
    for (let i = 0; i < 10_000; i++) v = [v];
    expect(thrown(() => encodeValue(v))).toBeInstanceOf(EncodeError);
  });

  it("rejects unknown type_urls and corrupt bytes", () => {
    const any = (typeName: string, value: number[]) =>
      create(AnySchema, { typeUrl: P + typeName, value: Uint8Array.from(value) });
    expect(thrown(() => decodeValue(any("acme.Thing", [])))).toMatchObject({ code: "ProtocolError", path: "$" });
    expect(thrown(() => decodeValue(any("google.protobuf.StringValue", [0x0a, 9, 0x61])))).toBeInstanceOf(
      ProtocolError,
    );
    expect(thrown(() => decodeValue(any("google.protobuf.StringValue", [0x0a, 1, 0xff])))).toBeInstanceOf(
      ProtocolError,
    );
  });
});

describe("user codecs", () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const pointCodec = {
    name: "example.Point",
    is: (v: unknown): v is Point => v instanceof Point,
    encode: (p: Point) => Uint8Array.of(p.x, p.y),
    decode: (b: Uint8Array) => new Point(b[0] as number, b[1] as number),
  };

  it("round-trip registered classes; peers without the codec keep the raw bytes", () => {
    const codecs = new CodecRegistry();
    codecs.register(pointCodec);
    const value = { where: new Point(1, 2) };
    const any = encodeValue(value, { codecs });
    expect(decodeValue(any, { codecs })).toStrictEqual(value);
    const raw = decodeValue(any, { codecs: new CodecRegistry() });
    expect(raw).toStrictEqual({ where: new RawExtension("example.Point", Uint8Array.of(1, 2)) });
    expect(encodeValue(raw).value).toStrictEqual(any.value);
    expect(decodeValue(encodeValue(new Point(3, 4), { codecs }), { codecs })).toStrictEqual(new Point(3, 4));
    expect(() => codecs.register(pointCodec)).toThrow(/already registered/);
  });

  it("reports a failing codec with its name and the path", () => {
    const codecs = new CodecRegistry();
    codecs.register({
      ...pointCodec,
      decode: () => {
        throw new Error("boom");
      },
    });
    const err = thrown(() => decodeValue(encodeValue([new Point(1, 2)], { codecs }), { codecs }));
    expect(err).toMatchObject({ path: "$[0]", message: expect.stringMatching(/example.Point failed to decode: boom/) });
    const failing = new CodecRegistry();
    failing.register({
      ...pointCodec,
      encode: () => {
        throw new Error("bang");
      },
    });
    expect(thrown(() => encodeValue({ p: new Point(1, 2) }, { codecs: failing }))).toMatchObject({
      path: "$.p",
      message: expect.stringMatching(/example.Point failed to encode: bang/),
    });
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
