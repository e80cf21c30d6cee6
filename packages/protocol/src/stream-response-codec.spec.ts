import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeValue } from "./codec/encode.js";
import { HEADROOM } from "./codec/headroom.js";
import { ErrorInfoSchema } from "./gen/toolbridge/v1/errors_pb.js";
import { type StreamToolResponse, StreamToolResponseSchema } from "./gen/toolbridge/v1/tools_pb.js";
import { readStreamToolResponse } from "./stream-response-reader.js";
import { writeStreamDataChunk } from "./stream-response-writer.js";

type Init = Parameters<typeof create<typeof StreamToolResponseSchema>>[1];

const BYTES_URL = "type.googleapis.com/google.protobuf.BytesValue";

/** The writer's bytes are toBinary's, and the reader gives back what fromBinary gives. */
const roundTrips = (init: Init) => {
  const message = create(StreamToolResponseSchema, init);
  const expected = toBinary(StreamToolResponseSchema, message);
  const written = writeStreamDataChunk(message);
  if (message.content.case === "data") expect(written).toBeDefined();
  if (written) expect(Buffer.from(written)).toEqual(Buffer.from(expected));
  expect(readStreamToolResponse(expected)).toEqual(fromBinary(StreamToolResponseSchema, expected));
};

const data = (typeUrl: string, value: Uint8Array) => ({
  case: "data" as const,
  value: create(AnySchema, { typeUrl, value }),
});

describe("stream response writer and reader", () => {
  it("match protobuf-es on the edge cases", () => {
    roundTrips({ content: data("", new Uint8Array(0)) });
    roundTrips({ streamId: "s", sequence: 1n, content: data(BYTES_URL, Uint8Array.of(10, 2, 1, 2)) });
    roundTrips({ sequence: 2n ** 64n - 1n, content: data(BYTES_URL, new Uint8Array(65_541).fill(3)) });
    roundTrips({ sequence: 2n ** 31n, content: data("x", new Uint8Array(0)) });
    roundTrips({ streamId: "strøm-😀", content: data("type/ü", Uint8Array.of(1)) });
    roundTrips({ streamId: "lone \ud800 surrogate", content: data("\udfff", Uint8Array.of(1)) });
    roundTrips({ streamId: "i".repeat(2000), content: data("u".repeat(300), new Uint8Array(200)) });
    roundTrips({});
    roundTrips({ streamId: "s", sequence: 7n, content: { case: "complete", value: { totalChunks: 7n } } });
    roundTrips({ content: { case: "error", value: create(ErrorInfoSchema, { type: "ToolError", message: "m" }) } });
    roundTrips({ content: { case: "metadata", value: { entries: { a: "b" } } } });
  });

  it("match protobuf-es on random chunks", () => {
    const content = fc.oneof(
      fc
        .record({ typeUrl: fc.string({ unit: "binary", maxLength: 60 }), value: fc.uint8Array({ maxLength: 300 }) })
        .map(({ typeUrl, value }) => data(typeUrl, value)),
      fc
        .bigInt({ min: 0n, max: 2n ** 64n - 1n })
        .map((n) => ({ case: "complete" as const, value: { totalChunks: n } })),
      fc.string().map((message) => ({ case: "error" as const, value: create(ErrorInfoSchema, { message }) })),
      fc.constant({ case: undefined }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 50 }),
        fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        content,
        (streamId, sequence, content) => roundTrips({ streamId, sequence, content } as Init),
      ),
      { numRuns: 400 },
    );
  });

  it("match protobuf-es when the header goes into the room in front of an encoded value", () => {
    fc.assert(
      fc.property(
        // Stream ids long enough that the header sometimes does not fit the room.
        fc.string({ unit: "binary", maxLength: HEADROOM }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: 4090, max: 20_000 })),
        fc.nat({ max: 255 }),
        (streamId, sequence, length, fill) => {
          const value = encodeValue(new Uint8Array(length).fill(fill));
          const before = value.value.slice();
          // Twice with different headers: each time toBinary's bytes, and the value untouched.
          for (const init of [
            { streamId, sequence, content: { case: "data" as const, value } },
            { streamId: `${streamId}x`, sequence: sequence / 2n, content: { case: "data" as const, value } },
          ]) {
            const message = create(StreamToolResponseSchema, init);
            const written = writeStreamDataChunk(message);
            // Buffer.equals: toEqual walks kilobytes element by element.
            expect(written?.equals(toBinary(StreamToolResponseSchema, message))).toBe(true);
          }
          expect(Buffer.from(value.value).equals(before)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("writes a large encoded value in place, without a copy", () => {
    const value = encodeValue(new Uint8Array(65_536).fill(9));
    const message = create(StreamToolResponseSchema, {
      streamId: "0b7f6c1e-6a8e-4c4b-9d1e-2f3a4b5c6d7e",
      sequence: 2n ** 63n,
      content: { case: "data", value },
    });
    const written = writeStreamDataChunk(message, () => {
      throw new Error("no buffer needed");
    });
    expect(written?.buffer).toBe(value.value.buffer);
    expect(Buffer.from(written as Buffer)).toEqual(Buffer.from(toBinary(StreamToolResponseSchema, message)));
    // A value that is not where the encoder put it (here one byte in) has no room and is copied.
    const moved = create(StreamToolResponseSchema, {
      content: { case: "data", value: { ...value, value: value.value.subarray(1) } },
    });
    expect(writeStreamDataChunk(moved)?.buffer).not.toBe(value.value.buffer);
  });

  it("read arbitrary or damaged bytes exactly as fromBinary does, errors included", () => {
    const valid = toBinary(
      StreamToolResponseSchema,
      create(StreamToolResponseSchema, {
        streamId: "abc",
        sequence: 300n,
        content: data(BYTES_URL, Uint8Array.of(10, 1, 9)),
      }),
    );
    const outcome = (read: () => StreamToolResponse) => {
      try {
        return { ok: read() };
      } catch (error) {
        return { error: String(error) };
      }
    };
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 255 })).map(([at, byte]) => {
        const copy = valid.slice();
        copy[at] = byte;
        return copy;
      }),
      fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
      fc.uint8Array({ maxLength: 8 }).map((tail) => Uint8Array.from([...valid, ...tail])),
    );
    fc.assert(
      fc.property(damaged, (bytes) => {
        expect(outcome(() => readStreamToolResponse(bytes))).toEqual(
          outcome(() => fromBinary(StreamToolResponseSchema, bytes)),
        );
      }),
      { numRuns: 600 },
    );
  });

  it("reads the payload as a view of the received bytes, like fromBinary", () => {
    const bytes = toBinary(
      StreamToolResponseSchema,
      create(StreamToolResponseSchema, { streamId: "s", content: data(BYTES_URL, new Uint8Array(1000).fill(5)) }),
    );
    const read = readStreamToolResponse(bytes);
    expect(read.content.case).toBe("data");
    const value = read.content.value as { value: Uint8Array };
    expect(value.value.buffer).toBe(bytes.buffer);
  });

  it("leaves everything but data chunks without unknown fields to toBinary", () => {
    const complete = create(StreamToolResponseSchema, { content: { case: "complete", value: { totalChunks: 1n } } });
    expect(writeStreamDataChunk(complete)).toBeUndefined();
    const withUnknown = create(StreamToolResponseSchema, { content: data("u", Uint8Array.of(1)) });
    withUnknown.$unknown = [{ no: 9, wireType: 0, data: Uint8Array.of(1) }];
    expect(writeStreamDataChunk(withUnknown)).toBeUndefined();
    const anyUnknown = create(StreamToolResponseSchema, { content: data("u", Uint8Array.of(1)) });
    (anyUnknown.content.value as { $unknown?: unknown }).$unknown = [{ no: 9, wireType: 0, data: Uint8Array.of(1) }];
    expect(writeStreamDataChunk(anyUnknown)).toBeUndefined();
  });
});
