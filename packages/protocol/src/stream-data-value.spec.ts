import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeValue } from "./codec/decode.js";
import { encodeValue } from "./codec/encode.js";
import { decodeStreamData } from "./stream-data-value.js";

const outcome = (read: () => unknown) => {
  try {
    return { ok: read() };
  } catch (error) {
    return { error: String(error) };
  }
};

describe("decodeStreamData", () => {
  it("returns byte chunks as views of the received bytes", () => {
    const any = encodeValue(new Uint8Array(70_000).fill(9));
    const value = decodeStreamData(any) as Uint8Array;
    expect(value).toBeInstanceOf(Uint8Array);
    expect(value.length).toBe(70_000);
    expect(value.buffer).toBe(any.value.buffer);
    expect(value).toEqual(decodeValue(any));
  });

  it("decodes every value as decodeValue does", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.jsonValue(), fc.string()), (value) => {
        const any = encodeValue(value);
        expect(decodeStreamData(any)).toEqual(decodeValue(any));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with decodeValue on any BytesValue encoding, damaged ones included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("type.googleapis.com/google.protobuf.BytesValue", "google.protobuf.BytesValue", "x/y"),
        fc.oneof(
          fc.uint8Array({ maxLength: 20 }),
          fc.uint8Array({ maxLength: 20 }).map((tail) => Uint8Array.from([10, tail.length, ...tail])),
          fc.uint8Array({ maxLength: 20 }).map((tail) => Uint8Array.from([10, tail.length + 1, ...tail])),
          fc.uint8Array({ maxLength: 20 }).map((tail) => Uint8Array.from([10, 0x80 | tail.length, 0, ...tail])),
        ),
        (typeUrl, value) => {
          const any = create(AnySchema, { typeUrl, value });
          expect(outcome(() => decodeStreamData(any))).toEqual(outcome(() => decodeValue(any)));
        },
      ),
      { numRuns: 400 },
    );
  });
});
