import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonical } from "./conformance-notation.js";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";
import { Float64, isWireInt } from "./float64.js";

// Values as decodeValue(.., { exactFloats: true }) returns them, so a round trip is the identity.
const int64 = fc
  .bigInt(-(2n ** 63n), 2n ** 63n - 1n)
  .map((b) => (b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b));
const float = fc.double().map((d) => (isWireInt(d) ? new Float64(d) : d));
const date = fc.integer({ min: -62135596800000, max: 253402300799999 }).map((ms) => new Date(ms));
const scalar = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string(),
  int64,
  fc.integer(),
  float,
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 16 }),
  date,
);
const key = fc.oneof(fc.string(), int64, fc.boolean(), fc.constant(null));

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("object"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(
    fc.string().filter((k) => k !== "__proto__"),
    tie("value"),
    { maxKeys: 5 },
  ),
  // Maps whose keys are not all strings (all-string Maps come back as objects, by design).
  map: fc
    .array(fc.tuple(key, tie("value")), { minLength: 1, maxLength: 4 })
    .map((entries) => new Map<unknown, unknown>([[0, null], ...entries])),
}));

describe("codec properties", () => {
  it("round-trips arbitrary nested values exactly", () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = decodeValue(encodeValue(v), { exactFloats: true });
        expect(canonical(back)).toStrictEqual(canonical(v));
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: re-encoding the decoded value gives the same bytes", () => {
    fc.assert(
      fc.property(value, (v) => {
        const first = encodeValue(v);
        const second = encodeValue(decodeValue(first, { exactFloats: true }));
        expect(second.typeUrl).toBe(first.typeUrl);
        expect(Buffer.from(second.value).equals(Buffer.from(first.value))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("never returns a wrong value for corrupted bytes: it decodes or throws ProtocolError", () => {
    fc.assert(
      fc.property(value, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, byte) => {
        const any = encodeValue(v);
        if (any.value.length === 0) return;
        const bytes = new Uint8Array(any.value);
        bytes[at % bytes.length] = byte;
        try {
          decodeValue({ ...any, value: bytes });
        } catch (err) {
          expect((err as Error).name).toBe("ProtocolError");
        }
      }),
      { numRuns: 300 },
    );
  });
});
