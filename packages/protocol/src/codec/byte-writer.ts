import { Buffer } from "node:buffer";

/**
 * A growable protobuf writer tuned for the value codec. protobuf-es' BinaryWriter
 * forks a chunk list per nested message; here a nested message reserves one length
 * byte and is back-patched (shifting its body only when the length needs more bytes),
 * so the output is always the canonical, shortest encoding both languages produce.
 */
const TWO_32 = 4294967296;
const textEncoder = new TextEncoder();

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/**
 * Doubles go through this scratch pair rather than a DataView on the output: a
 * DataView would force V8 to move a small (on-heap) output buffer off the heap,
 * which costs more than the whole write of a typical small message.
 */
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class ByteWriter {
  private buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
  }

  /** The bytes written so far (a copy, so the writer's buffer can be reused or dropped). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Empties the writer, keeping its buffer, to write another message. */
  restart(): this {
    this.pos = 0;
    return this;
  }

  /**
   * A copy of the bytes written so far in a Buffer from Node's shared pool: for small
   * messages far cheaper than a Uint8Array of their own. The writer may be restarted.
   */
  copyToBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  /** The bytes written so far without a copy; the writer must not be used afterwards. */
  take(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }

  /** Makes room for n more bytes at once (callers that know the size avoid regrowth). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(this.pos + n);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  uint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Varint of a 64-bit value given as unsigned 32-bit halves. */
  varint64(lo: number, hi: number): void {
    if (hi === 0) {
      if (lo < 0x80000000) {
        this.uint32(lo);
        return;
      }
    }
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 4; i++) {
      buf[pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    // bits 28..34 mix lo and hi
    let b = (lo & 15) | ((hi & 7) << 4);
    hi >>>= 3;
    if (hi === 0) {
      buf[pos++] = b;
      this.pos = pos;
      return;
    }
    buf[pos++] = b | 128;
    while (hi > 127) {
      buf[pos++] = (hi & 127) | 128;
      hi >>>= 7;
    }
    b = hi;
    buf[pos++] = b;
    this.pos = pos;
  }

  /** int64 varint (two's complement) of a safe integer number or a bigint in range. */
  int64(v: number | bigint): void {
    if (typeof v === "number") {
      if (v >= 0 && v < 0x80000000) {
        this.uint32(v);
        return;
      }
      const hi = Math.floor(v / TWO_32);
      const lo = v - hi * TWO_32;
      this.varint64(lo >>> 0, hi >>> 0);
      return;
    }
    const u = BigInt.asUintN(64, v);
    this.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /** sint64 (zigzag) varint of a safe integer number or a bigint in range. */
  sint64(v: number | bigint): void {
    if (typeof v === "number") {
      if (v >= 0) {
        if (v < 0x40000000) {
          this.uint32(v * 2);
          return;
        }
        // zigzag = 2v, computed on halves so nothing rounds
        const hi = Math.floor(v / TWO_32);
        const lo = v - hi * TWO_32;
        this.varint64(((lo * 2) % TWO_32) >>> 0, (hi * 2 + Math.floor((lo * 2) / TWO_32)) >>> 0);
        return;
      }
      const m = -v - 1; // zigzag = 2m + 1
      if (m < 0x40000000) {
        this.uint32(m * 2 + 1);
        return;
      }
      const hi = Math.floor(m / TWO_32);
      const lo = m - hi * TWO_32;
      this.varint64(((lo * 2 + 1) % TWO_32) >>> 0, (hi * 2 + Math.floor((lo * 2 + 1) / TWO_32)) >>> 0);
      return;
    }
    const z = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    this.varint64(Number(z & 0xffffffffn), Number(z >> 32n));
  }

  double(v: number): void {
    this.ensure(8);
    f64[0] = v;
    const buf = this.buf;
    const pos = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[pos + i] = f64Bytes[i] as number;
    else for (let i = 0; i < 8; i++) buf[pos + i] = f64Bytes[7 - i] as number;
    this.pos = pos + 8;
  }

  /** Length-prefixed raw bytes. */
  bytes(b: Uint8Array): void {
    this.uint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * Length-prefixed string if it is short ASCII (the common case, one pass, no
   * encoder call); returns false, having written nothing, otherwise.
   */
  asciiString(s: string): boolean {
    const n = s.length;
    if (n >= 128) return false;
    this.ensure(n + 1);
    const buf = this.buf;
    const start = this.pos;
    let pos = start + 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[pos++] = c;
    }
    buf[start] = n;
    this.pos = pos;
    return true;
  }

  /** Length-prefixed UTF-8 of a string already known to be well formed. */
  string(s: string): void {
    if (this.asciiString(s)) return;
    const n = s.length;
    // General path: reserve the length prefix for the worst case (3 bytes per UTF-16 unit).
    const max = n * 3;
    const prefix = varintSize(max);
    this.ensure(prefix + max);
    const start = this.pos;
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(start + prefix, start + prefix + max));
    const need = varintSize(written);
    if (need < prefix) this.buf.copyWithin(start + need, start + prefix, start + prefix + written);
    this.pos = start;
    this.uint32(written);
    this.pos = start + need + written;
  }

  /** Starts a length-delimited body; returns the mark to pass to endLen. */
  beginLen(): number {
    this.ensure(1);
    return this.pos++;
  }

  endLen(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 128) {
      this.buf[mark] = len;
      return;
    }
    const extra = varintSize(len) - 1;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos = mark;
    this.uint32(len);
    this.pos += len;
  }
}

export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}
