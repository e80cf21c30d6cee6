import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { AnySchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { decodeValue, encodeValue, Float64 } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { anyFromJson, JsonValueError, jsonFromAny } from "./json-values.js";

// The codec's own conformance vectors: every value must survive Any -> JSON text -> Any byte for byte.
const DIR = join(import.meta.dirname, "../../../../conformance/values");
interface Case {
  name: string;
  direction: string;
  type_url?: string;
  hex?: string;
}
const vectors = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => (JSON.parse(readFileSync(join(DIR, f), "utf8")) as Case[]).map((c) => ({ ...c, file: f })))
  .filter((c) => c.direction === "both")
  .map((c) => [`${c.file}: ${c.name}`, c] as const);

const throughJson = (value: unknown) => {
  const json = JSON.parse(JSON.stringify(jsonFromAny(encodeValue(value))));
  return decodeValue(anyFromJson(json, "value"), { exactFloats: true });
};

describe("JSON mapping of values", () => {
  it("covers the conformance vectors", () => {
    expect(vectors.length).toBeGreaterThan(50);
  });

  it.each(vectors)("round-trips %s through JSON text unchanged", (_, c) => {
    const wire = create(AnySchema, { typeUrl: c.type_url ?? "", value: Buffer.from(c.hex ?? "", "hex") });
    const text = JSON.stringify(jsonFromAny(wire));
    const back = anyFromJson(JSON.parse(text), "value");
    expect(back.typeUrl).toBe(c.type_url);
    expect(Buffer.from(back.value).toString("hex")).toBe(c.hex);
  });

  it("spells exact numbers bare and tags the rest", () => {
    expect(jsonFromAny(encodeValue(42))).toBe(42);
    expect(jsonFromAny(encodeValue(1.5))).toBe(1.5);
    expect(jsonFromAny(encodeValue(2n ** 60n))).toEqual({ $int: "1152921504606846976" });
    expect(jsonFromAny(encodeValue(new Float64(2)))).toEqual({ $float: "2" });
    expect(jsonFromAny(encodeValue(Number.NaN))).toEqual({ $float: "NaN" });
    expect(jsonFromAny(encodeValue(-0))).toEqual({ $float: "-0" });
    expect(jsonFromAny(encodeValue(Number.NEGATIVE_INFINITY))).toEqual({ $float: "-Infinity" });
  });

  it("keeps int64 beyond 2^53, bytes and nanosecond timestamps", () => {
    expect(throughJson(2n ** 63n - 1n)).toBe(2n ** 63n - 1n);
    expect(throughJson(-(2n ** 53n) - 1n)).toBe(-(2n ** 53n) - 1n);
    expect(throughJson(new Uint8Array([0, 255, 1]))).toEqual(new Uint8Array([0, 255, 1]));
    expect(throughJson(new Date("2024-01-02T03:04:05.678Z"))).toEqual(new Date("2024-01-02T03:04:05.678Z"));
    const ts = create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 123_456_789 });
    expect(jsonFromAny(encodeValue(ts))).toEqual({ $ts: "2023-11-14T22:13:20.123456789Z" });
    expect(throughJson(ts)).toMatchObject({ seconds: 1_700_000_000n, nanos: 123_456_789 });
  });

  it("keeps Maps with non-string keys and objects whose keys look like tags", () => {
    const map = new Map<unknown, unknown>([
      [1, "one"],
      [true, "yes"],
    ]);
    expect(throughJson(map)).toEqual(map);
    const dollar = { $int: "not a tag" };
    expect(jsonFromAny(encodeValue(dollar))).toEqual({ $map: [["$int", "not a tag"]] });
    expect(throughJson(dollar)).toEqual(dollar);
  });

  it("reads bare JSON integers as ints and other numbers as floats", () => {
    expect(decodeValue(anyFromJson(7, "x"), { exactFloats: true })).toBe(7);
    expect(decodeValue(anyFromJson(0.25, "x"), { exactFloats: true })).toBe(0.25);
    expect(decodeValue(anyFromJson({ $float: "3" }, "x"), { exactFloats: true })).toEqual(new Float64(3));
  });

  it("names the field of a value it cannot read", () => {
    expect(() => anyFromJson({ $nope: 1 }, "kwargs.value")).toThrow(JsonValueError);
    expect(() => anyFromJson({ $nope: 1 }, "kwargs.value")).toThrow(/^kwargs\.value: unknown tag \$nope/);
    expect(() => anyFromJson({ $int: "99999999999999999999" }, "args[0]")).toThrow(/^args\[0\]: .*int64/);
  });
});
