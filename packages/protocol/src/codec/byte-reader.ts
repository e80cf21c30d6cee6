import { Buffer, isUtf8 } from "node:buffer";
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./byte-writer.js";
import { PathError } from "./path.js";

/**
 * A bounds-checked protobuf reader for the value codec. Every malformed input
 * (truncation, overlong varint, bad wire type, invalid UTF-8) raises a PathError
 * that the decoder turns into a ProtocolError with the value path.
 */
const TWO_32 = 4294967296;
const KEY_CACHE_SIZE = 256;
/**
 * Floats are read through these scratch arrays rather than a DataView: a DataView
 * over a small (on-heap) typed array makes V8 move it off the heap first.
 */
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Bytes = new Uint8Array(f32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;
  // Made on first use: most values (a string, an int) need no key cache, and a reader is made per value.
  private keyBytes: (Uint8Array | undefined)[] | undefined;
  private keyStrings: (string | undefined)[] | undefined;
  /** Node Buffer over buf, made once per reader when a string needs native decoding. */
  nodeBuf: Buffer | undefined;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Reads a tag; returns field number * 8 + wire type, as on the wire. */
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) throw new PathError("invalid field number 0");
    return t;
  }

  /** A varint that must fit 32 bits (tags, lengths, enum values, bools). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < this.end) {
      const b = buf[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) throw new PathError("truncated varint");
      const b = buf[pos++] as number;
      result += (b & 127) * 2 ** shift;
      if (b < 0x80) {
        this.pos = pos;
        if (result >= TWO_32) throw new PathError("varint exceeds 32 bits");
        return result;
      }
    }
    // Negative int32 enums are 10-byte varints; accept and keep the low 32 bits.
    for (let i = 0; i < 5; i++) {
      if (pos >= this.end) throw new PathError("truncated varint");
      if ((buf[pos++] as number) < 0x80) {
        this.pos = pos;
        return result % TWO_32;
      }
    }
    throw new PathError("varint longer than 10 bytes");
  }

  /** A 64-bit varint as unsigned halves [lo, hi]. */
  varint64(): [number, number] {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= this.end) throw new PathError("truncated varint");
      const b = buf[pos++] as number;
      lo |= (b & 127) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return [lo >>> 0, 0];
      }
    }
    if (pos >= this.end) throw new PathError("truncated varint");
    let b = buf[pos++] as number;
    lo |= (b & 15) << 28;
    hi = (b & 127) >> 4;
    if (b < 0x80) {
      this.pos = pos;
      return [lo >>> 0, hi >>> 0];
    }
    for (let shift = 3; shift <= 31; shift += 7) {
      if (pos >= this.end) throw new PathError("truncated varint");
      b = buf[pos++] as number;
      hi |= (b & 127) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return [lo >>> 0, hi >>> 0];
      }
    }
    throw new PathError("varint longer than 10 bytes");
  }

  /** int64 (two's complement): a number when safe, else a bigint. */
  int64(): number | bigint {
    const [lo, hi] = this.varint64();
    if (hi === 0) return lo;
    if (hi < 0x200000) return hi * TWO_32 + lo;
    if (hi > 0xffe00000 || (hi === 0xffe00000 && lo !== 0)) return (hi - TWO_32) * TWO_32 + lo; // safe negatives
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** uint64: a number when safe, else a bigint. */
  uint64(): number | bigint {
    const [lo, hi] = this.varint64();
    if (hi < 0x200000) return hi * TWO_32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** sint64 (zigzag): a number when safe, else a bigint. */
  sint64(): number | bigint {
    // Fast path: one or two bytes (|v| < 8192) without the [lo, hi] pair.
    const pos = this.pos;
    if (pos + 1 < this.end) {
      const b0 = this.buf[pos] as number;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0 & 1 ? -((b0 + 1) >>> 1) : b0 >>> 1;
      }
      const b1 = this.buf[pos + 1] as number;
      if (b1 < 0x80) {
        this.pos = pos + 2;
        const z = (b0 & 127) | (b1 << 7);
        return z & 1 ? -((z + 1) >>> 1) : z >>> 1;
      }
    }
    const [lo, hi] = this.varint64();
    if (hi < 0x200000) {
      const z = hi * TWO_32 + lo;
      // z < 2^53: halving is exact
      return lo & 1 ? -(z - 1) / 2 - 1 : z / 2;
    }
    const z = (BigInt(hi) << 32n) | BigInt(lo);
    const v = z & 1n ? -(z >> 1n) - 1n : z >> 1n;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new PathError("truncated double");
    const buf = this.buf;
    const pos = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = buf[pos + i] as number;
    else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = buf[pos + i] as number;
    this.pos = pos + 8;
    return f64[0] as number;
  }

  float(): number {
    if (this.pos + 4 > this.end) throw new PathError("truncated float");
    const buf = this.buf;
    const pos = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 4; i++) f32Bytes[i] = buf[pos + i] as number;
    else for (let i = 0; i < 4; i++) f32Bytes[3 - i] = buf[pos + i] as number;
    this.pos = pos + 4;
    return f32[0] as number;
  }

  /** Reads a length prefix and returns the end offset of the body. */
  lenEnd(): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.end) throw new PathError("truncated length-delimited field");
    return end;
  }

  bytes(): Uint8Array {
    const end = this.lenEnd();
    const b = this.buf.subarray(this.pos, end);
    this.pos = end;
    return b;
  }

  string(): string {
    const end = this.lenEnd();
    const start = this.pos;
    this.pos = end;
    return this.decode(start, end);
  }

  private decode(start: number, end: number): string {
    return readUtf8(this.buf, start, end, this);
  }

  /**
   * A map key. Keys repeat (every row of a list of records has the same ones), so
   * short keys are cached by their bytes: the same string object comes back, which
   * V8 has already internalized for property stores.
   */
  key(): string {
    const end = this.lenEnd();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    if (n > 24) return this.decode(start, end);
    const buf = this.buf;
    let h = n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
    const slot = (h >>> 0) & (KEY_CACHE_SIZE - 1);
    this.keyBytes ??= new Array(KEY_CACHE_SIZE);
    this.keyStrings ??= new Array(KEY_CACHE_SIZE);
    const keyBytes = this.keyBytes;
    const keyStrings = this.keyStrings;
    const cached = keyBytes[slot];
    if (cached && cached.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (cached[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return keyStrings[slot] as string;
    }
    const s = this.decode(start, end);
    keyBytes[slot] = buf.slice(start, end);
    keyStrings[slot] = s;
    return s;
  }

  /** Skips a field of the given wire type (unknown fields are ignored, as protobuf does). */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new PathError("truncated fixed64");
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new PathError("truncated fixed32");
        this.pos += 4;
        return;
      default:
        throw new PathError(`unsupported wire type ${wireType}`);
    }
  }

  /** Skips an unknown field; a known field (bit set in knownFields) with another wire type is corrupt. */
  skipUnknown(tag: number, knownFields: number): void {
    const field = tag >>> 3;
    if (field < 32 && (knownFields >>> field) & 1) {
      throw new PathError(`field ${field} has wire type ${tag & 7}`);
    }
    this.skip(tag & 7);
  }

  /** Fails unless the tag has the wire type a known field needs. */
  expect(tag: number, wireType: number): void {
    if ((tag & 7) !== wireType) {
      throw new PathError(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
    }
  }
}

/**
 * The string in buf[start, end): ASCII up to 64 bytes is checked inline and built
 * without a native call when short; anything else is strict UTF-8 (invalid bytes,
 * including encoded lone surrogates, are an error, never U+FFFD). `holder` keeps the
 * Buffer view made for native decoding, so a reader makes at most one.
 */
export function readUtf8(
  buf: Uint8Array,
  start: number,
  end: number,
  holder?: { nodeBuf: Buffer | undefined },
): string {
  if (end - start <= 64) {
    let i = start;
    while (i < end && (buf[i] as number) < 0x80) i++;
    if (i === end) {
      if (end - start < 12) {
        let s = "";
        for (let j = start; j < end; j++) s += String.fromCharCode(buf[j] as number);
        return s;
      }
      return nodeBuffer(buf, holder).toString("latin1", start, end);
    }
  }
  const b = nodeBuffer(buf, holder);
  if (!isUtf8(b.subarray(start, end))) throw new PathError("string is not valid UTF-8");
  return b.toString("utf8", start, end);
}

/** A Buffer over buf's memory; bytes that came off a grpc-js message already are one. */
function nodeBuffer(buf: Uint8Array, holder: { nodeBuf: Buffer | undefined } | undefined): Buffer {
  if (Buffer.isBuffer(buf)) return buf;
  if (holder === undefined) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  holder.nodeBuf ??= Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return holder.nodeBuf;
}
