import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { ByteReader } from "./byte-reader.js";
import { type ByteWriter, WIRE_VARINT } from "./byte-writer.js";
import { PathError } from "./path.js";

/**
 * Timestamps: a Date has millisecond precision; a google.protobuf.Timestamp message
 * carries nanoseconds. Decoding yields a Date when the nanos are whole milliseconds,
 * else the Timestamp message (which encodes back unchanged). Range: years 0001-9999,
 * as the Timestamp spec (and Python's datetime) allow.
 */
const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

export function isTimestampMessage(v: object): v is Timestamp {
  return (v as { $typeName?: unknown }).$typeName === "google.protobuf.Timestamp";
}

/** seconds/nanos of a Date or Timestamp; PathError when invalid or out of range. */
export function timestampParts(v: Date | Timestamp): [number, number] {
  let seconds: number;
  let nanos: number;
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new PathError("invalid Date");
    seconds = Math.floor(ms / 1000);
    nanos = (ms - seconds * 1000) * 1e6;
  } else {
    seconds = Number(v.seconds);
    nanos = v.nanos;
  }
  checkRange(seconds, nanos);
  return [seconds, nanos];
}

function checkRange(seconds: number, nanos: number): void {
  if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) {
    throw new PathError("timestamp outside 0001-01-01..9999-12-31");
  }
  if (!(Number.isInteger(nanos) && nanos >= 0 && nanos <= 999_999_999)) {
    throw new PathError("timestamp nanos outside 0..999999999");
  }
}

/** Body of a google.protobuf.Timestamp (proto3: zero fields omitted). */
export function writeTimestampBody(w: ByteWriter, seconds: number, nanos: number): void {
  if (seconds !== 0) {
    w.tag(1, WIRE_VARINT);
    w.int64(seconds);
  }
  if (nanos !== 0) {
    w.tag(2, WIRE_VARINT);
    w.int64(nanos);
  }
}

export function readTimestampBody(r: ByteReader, end: number): Date | Timestamp {
  let seconds: number | bigint = 0;
  let nanos: number | bigint = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 8) seconds = r.int64();
    else if (tag === 16) nanos = r.int64();
    else r.skipUnknown(tag, 0b110);
  }
  if (r.pos !== end) throw new PathError("truncated timestamp");
  if (typeof seconds === "bigint" || typeof nanos === "bigint") {
    throw new PathError("timestamp outside 0001-01-01..9999-12-31");
  }
  checkRange(seconds, nanos);
  if (nanos % 1e6 === 0) return new Date(seconds * 1000 + nanos / 1e6);
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos });
}
