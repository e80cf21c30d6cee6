import type { Any } from "@bufbuild/protobuf/wkt";
import { readUtf8 } from "./codec/byte-reader.js";

/**
 * Helpers of the hand-written readers of hot messages (execute-request-reader,
 * execute-response-reader): each reads the canonical shape only and returns
 * undefined/false for anything else, so the caller falls back to fromBinary.
 */

/** Read position and the last varint read. */
export interface Cursor {
  pos: number;
  value: number;
}

/** A length-delimited google.protobuf.Any (type_url, value, in order, each at most once), as fromBinary makes it. */
export function readAny(b: Uint8Array, c: Cursor): Any | undefined {
  if (!varint(b, c, b.length, 5)) return undefined;
  const end = c.pos + c.value;
  if (end > b.length) return undefined;
  let typeUrl = "";
  if (c.pos < end && b[c.pos] === 0x0a) {
    c.pos++;
    const url = asciiField(b, c, end);
    if (url === undefined) return undefined;
    typeUrl = url;
  }
  let value: Uint8Array | undefined;
  if (c.pos < end && b[c.pos] === 0x12) {
    c.pos++;
    if (!varint(b, c, end, 5) || c.pos + c.value !== end) return undefined;
    value = b.subarray(c.pos, end);
    c.pos = end;
  }
  if (c.pos !== end) return undefined;
  return { $typeName: "google.protobuf.Any", typeUrl, value: value ?? new Uint8Array(0) };
}

/** Doubles go through this scratch pair: a DataView over received bytes costs more than the copy. */
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function readDouble(b: Uint8Array, pos: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = b[pos + i] as number;
  else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = b[pos + i] as number;
  return f64[0] as number;
}

/**
 * A varint of at most `maxBytes` bytes into c.value (7 keeps it below 2^49, a safe
 * integer); false when it is longer, unterminated, or runs past `end`.
 */
export function varint(b: Uint8Array, c: Cursor, end: number, maxBytes: number): boolean {
  let value = 0;
  let scale = 1;
  const limit = Math.min(end, c.pos + maxBytes);
  for (let pos = c.pos; pos < limit; pos++) {
    const byte = b[pos] as number;
    value += (byte & 127) * scale;
    if (byte < 128) {
      c.pos = pos + 1;
      c.value = value;
      return true;
    }
    scale *= 128;
  }
  return false;
}

/** A length-prefixed ASCII string ending by `end`; undefined for anything else (left to fromBinary). */
export function asciiField(b: Uint8Array, c: Cursor, end: number): string | undefined {
  if (!varint(b, c, end, 5)) return undefined;
  const start = c.pos;
  const stop = start + c.value;
  if (stop > end) return undefined;
  for (let i = start; i < stop; i++) if ((b[i] as number) >= 0x80) return undefined;
  c.pos = stop;
  return readUtf8(b, start, stop);
}
