import { create, toBinary } from "@bufbuild/protobuf";
import { BytesValueSchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";
import { HEADROOM, HEADROOM_MIN_BYTES, headroomOf } from "./headroom.js";

// Top-level strings and bytes are written at their exact size by a path of their own;
// these pin it to protobuf-es' encoding across the length-prefix and ASCII boundaries.
const strings = [
  "",
  "a",
  "x".repeat(63),
  "x".repeat(64),
  "x".repeat(127),
  "x".repeat(128),
  "x".repeat(20_000),
  "héllo",
  "é".repeat(70),
  "日本語".repeat(30),
  "emoji 🎉 and more",
  `${"x".repeat(62)}é`,
];

describe("encodeValue top-level string and bytes", () => {
  it.each(strings.map((s) => [s.length, s]))("string of %i units matches protobuf-es", (_n, s) => {
    const any = encodeValue(s);
    expect(any.typeUrl).toBe("type.googleapis.com/google.protobuf.StringValue");
    expect(any.value).toEqual(toBinary(StringValueSchema, create(StringValueSchema, { value: s })));
    expect(decodeValue(any)).toBe(s);
  });

  it.each([0, 1, 127, 128, 4095, 4096, 16_384, 100_000])("%i bytes match protobuf-es", (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => i % 251);
    const any = encodeValue(bytes);
    expect(any.value).toEqual(toBinary(BytesValueSchema, create(BytesValueSchema, { value: bytes })));
    // Exact size, plus the room in front of large values for the stream chunk header.
    const room = n >= HEADROOM_MIN_BYTES ? HEADROOM : 0;
    expect(any.value.buffer.byteLength).toBe(any.value.length + room);
    expect(headroomOf(any.value)).toBe(room);
    expect(decodeValue(any)).toEqual(bytes);
  });
});
