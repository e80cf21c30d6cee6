import { Buffer } from "node:buffer";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { EncodeError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { isArrowTable } from "./arrow.js";
import { ByteWriter, varintSize, WIRE_FIXED64 } from "./byte-writer.js";
import { type CodecRegistry, defaultCodecs, RawExtension, type ValueCodec } from "./extensions.js";
import { Float64, isWireInt } from "./float64.js";
import { allocateWithHeadroom, HEADROOM_MIN_BYTES } from "./headroom.js";
import { PathError } from "./path.js";
import { writeArrowTable } from "./table-encode.js";
import { isTimestampMessage, timestampParts, writeTimestampBody } from "./timestamp.js";
import { TYPE, typeUrl } from "./type-urls.js";

export interface EncodeOptions {
  /** Deepest container nesting accepted (root container = 1). Default DEFAULT_LIMITS.maxValueDepth. */
  maxDepth?: number;
  /** User codecs to try for objects. Default: the global registry of registerCodec. */
  codecs?: CodecRegistry;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// Tags (field << 3 | wire type) of google.protobuf.Value ("struct form") and toolbridge.v1.Value.
const S_NULL = 8;
const S_NUMBER = 17;
const S_STRING = 26;
const S_BOOL = 32;
const S_STRUCT = 42;
const S_LIST = 50;
const V_BOOL = 16;
const V_INT = 24;
const V_DOUBLE = 33;
const V_STRING = 42;
const V_BYTES = 50;
const V_TIMESTAMP = 58;
const V_LIST = 66;
const V_MAP = 74;
const V_TABLE = 82;
const V_EXTENSION = 90;
const ENTRY = 10; // field 1, length-delimited: ListValue.values, Struct.fields, ValueList.values, ValueMap.entries
const KEY = 10;
const VALUE = 18;
const KEY_VALUE = 26;

/** Thrown (once) when struct form meets something only toolbridge.v1.Value can carry. */
const NOT_STRUCT = Symbol("not struct form");

type Kind = "null" | "plainContainer" | "other";

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function checkString(s: string): void {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new PathError("string contains a lone surrogate");
  }
}

function checkBigInt(v: bigint): void {
  if (v < INT64_MIN || v > INT64_MAX) throw new PathError("integer outside int64");
}

class Encoder {
  readonly w = new ByteWriter();
  /** true: google.protobuf.Value/ListValue/Struct; false: toolbridge.v1.Value. */
  struct = true;
  private readonly stack: object[] = [];
  private readonly codecs: CodecRegistry;

  constructor(
    private readonly maxDepth: number,
    codecs: CodecRegistry,
  ) {
    this.codecs = codecs;
  }

  reset(struct: boolean): void {
    this.struct = struct;
    this.w.pos = 0;
    this.stack.length = 0;
  }

  /** Writes one Value message body (the oneof field) for v. */
  node(v: unknown, depth: number): void {
    const w = this.w;
    switch (typeof v) {
      case "string":
        w.uint32(this.struct ? S_STRING : V_STRING);
        if (!w.asciiString(v)) {
          checkString(v);
          w.string(v);
        }
        return;
      case "number":
        if (isWireInt(v)) {
          if (this.struct) throw NOT_STRUCT;
          w.uint32(V_INT);
          w.sint64(v);
          return;
        }
        this.double(v);
        return;
      case "boolean":
        w.uint32(this.struct ? S_BOOL : V_BOOL);
        w.uint32(v ? 1 : 0);
        return;
      case "bigint":
        if (this.struct) throw NOT_STRUCT;
        checkBigInt(v);
        w.uint32(V_INT);
        w.sint64(v);
        return;
      case "undefined":
        w.uint32(S_NULL);
        w.uint32(0);
        return;
      case "object":
        if (v === null) {
          w.uint32(S_NULL);
          w.uint32(0);
          return;
        }
        this.object(v, depth);
        return;
      default:
        throw new PathError(`cannot encode a ${typeof v}`);
    }
  }

  private double(v: number): void {
    if (this.struct && (!Number.isFinite(v) || (v === 0 && 1 / v < 0))) throw NOT_STRUCT;
    this.w.uint32(this.struct ? S_NUMBER : V_DOUBLE);
    this.w.double(v);
  }

  private object(v: object, depth: number): void {
    const w = this.w;
    if (this.codecs.size > 0) {
      const codec = this.codecs.forValue(v);
      if (codec) {
        this.extension(codec.name, encodeWith(codec, v));
        return;
      }
    }
    if (Array.isArray(v)) {
      const mark = this.beginContainer(v, depth, this.struct ? S_LIST : V_LIST);
      this.listBody(v, depth);
      this.endContainer(mark);
      return;
    }
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      // protobuf-es messages are plain objects too; their $typeName comes first.
      if (keys[0] !== "$typeName" || !isTimestampMessage(v)) {
        const mark = this.beginContainer(v, depth, this.struct ? S_STRUCT : V_MAP);
        this.objectBody(v, keys, depth);
        this.endContainer(mark);
        return;
      }
    } else if (v instanceof Map) {
      const mark = this.beginContainer(v, depth, this.struct ? S_STRUCT : V_MAP);
      this.mapBody(v, depth);
      this.endContainer(mark);
      return;
    }
    if (v instanceof Float64) {
      this.double(v.value);
      return;
    }
    if (this.struct) {
      if (v instanceof Uint8Array || v instanceof Date || isTimestampMessage(v)) throw NOT_STRUCT;
      if (isArrowTable(v) || v instanceof RawExtension) throw NOT_STRUCT;
    }
    if (v instanceof Uint8Array) {
      w.uint32(V_BYTES);
      w.bytes(v);
      return;
    }
    if (v instanceof Date || isTimestampMessage(v)) {
      const [seconds, nanos] = timestampParts(v);
      w.uint32(V_TIMESTAMP);
      const mark = w.beginLen();
      writeTimestampBody(w, seconds, nanos);
      w.endLen(mark);
      return;
    }
    if (isArrowTable(v)) {
      w.uint32(V_TABLE);
      const mark = w.beginLen();
      writeArrowTable(w, v);
      w.endLen(mark);
      return;
    }
    if (v instanceof RawExtension) {
      this.extension(v.typeName, v.data);
      return;
    }
    // Unknown class instance: its string form, as the spec says (class name only at top level).
    const s = stringForm(v);
    checkString(s);
    w.uint32(this.struct ? S_STRING : V_STRING);
    w.string(s);
  }

  private extension(name: string, data: Uint8Array): void {
    if (this.struct) throw NOT_STRUCT;
    const w = this.w;
    w.uint32(V_EXTENSION);
    const mark = w.beginLen();
    if (name.length > 0) {
      w.uint32(KEY);
      w.string(name);
    }
    if (data.length > 0) {
      w.uint32(VALUE);
      w.bytes(data);
    }
    w.endLen(mark);
  }

  /** Checks depth and cycles, then opens the container's field; returns the length mark for endContainer. */
  private beginContainer(v: object, depth: number, tag: number): number {
    if (depth > this.maxDepth) throw new PathError(`nesting deeper than ${this.maxDepth}`);
    if (this.stack.includes(v)) throw new PathError("cyclic reference");
    this.stack.push(v);
    this.w.uint32(tag);
    return this.w.beginLen();
  }

  private endContainer(mark: number): void {
    this.w.endLen(mark);
    this.stack.pop();
  }

  /** ListValue / ValueList body. */
  listBody(v: readonly unknown[], depth: number): void {
    const w = this.w;
    for (let i = 0; i < v.length; i++) {
      w.uint32(ENTRY);
      const mark = w.beginLen();
      try {
        this.node(v[i], depth + 1);
      } catch (err) {
        PathError.under(err, i);
      }
      w.endLen(mark);
    }
  }

  /** Struct / ValueMap body of a plain object (undefined-valued properties are skipped, as JSON does). */
  objectBody(v: Record<string, unknown>, keys: readonly string[], depth: number): void {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const item = v[k];
      if (item === undefined) continue;
      this.stringEntry(k, item, depth);
    }
  }

  mapBody(v: Map<unknown, unknown>, depth: number): void {
    let entry = 0;
    for (const [k, item] of v) {
      if (typeof k === "string") this.stringEntry(k, item, depth);
      else this.keyedEntry(k, item, depth, entry);
      entry++;
    }
  }

  private stringEntry(k: string, item: unknown, depth: number): void {
    const w = this.w;
    w.uint32(ENTRY);
    const mark = w.beginLen();
    try {
      // Struct map entries always carry the key; ValueMapEntry omits an empty one (proto3).
      if (this.struct || k.length > 0) {
        w.uint32(KEY);
        if (!w.asciiString(k)) {
          checkString(k);
          w.string(k);
        }
      }
      w.uint32(VALUE);
      const vmark = w.beginLen();
      this.node(item, depth + 1);
      w.endLen(vmark);
    } catch (err) {
      PathError.under(err, k);
    }
    w.endLen(mark);
  }

  private keyedEntry(k: unknown, item: unknown, depth: number, entry: number): void {
    if (this.struct) throw NOT_STRUCT;
    const w = this.w;
    w.uint32(ENTRY);
    const mark = w.beginLen();
    w.uint32(VALUE);
    const vmark = w.beginLen();
    try {
      this.node(item, depth + 1);
    } catch (err) {
      PathError.under(err, { entry, isKey: false });
    }
    w.endLen(vmark);
    w.uint32(KEY_VALUE);
    const kmark = w.beginLen();
    try {
      this.node(k === undefined ? null : k, depth + 1);
    } catch (err) {
      PathError.under(err, { entry, isKey: true });
    }
    w.endLen(kmark);
    w.endLen(mark);
  }
}

function encodeWith(codec: ValueCodec, v: unknown): Uint8Array {
  try {
    return codec.encode(v);
  } catch (err) {
    const e = new PathError(`codec ${codec.name} failed to encode: ${(err as Error).message}`);
    e.cause = err;
    throw e;
  }
}

function stringForm(v: object): string {
  try {
    return String(v);
  } catch (err) {
    throw new PathError(`cannot take the string form of a ${className(v)}: ${(err as Error).message}`);
  }
}

function className(v: object): string {
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name.length > 0 ? name : "Object";
}

/** The codec's own type URLs, built once: a concatenation per value would be a new string per call. */
const TYPE_URLS = new Map<string, string>(Object.values(TYPE).map((name) => [name, typeUrl(name)]));

/**
 * The Any message as create(AnySchema) makes it (the same fields, in the same
 * order), built as a literal: create() is reflective and costs more than the
 * encoding of a small value.
 */
function any(name: string, value: Uint8Array): Any {
  return { $typeName: ANY_TYPE_NAME, typeUrl: TYPE_URLS.get(name) ?? typeUrl(name), value };
}
const ANY_TYPE_NAME = AnySchema.typeName as "google.protobuf.Any";

const textEncoder = new TextEncoder();

/**
 * A StringValue or BytesValue body (field 1, omitted when empty) allocated at its exact
 * size: no growth while writing and no trailing copy, which matters for megabyte values.
 * Large bodies get spare room in front (see headroom.ts), so the message that carries
 * them (a stream's data chunk) can put its header there instead of copying them again.
 */
function field1Bytes(s: string | Uint8Array): Uint8Array {
  const n = typeof s === "string" ? utf8Length(s) : s.length;
  if (n === 0) return new Uint8Array(0);
  const size = 1 + varintSize(n) + n;
  const out = n >= HEADROOM_MIN_BYTES ? allocateWithHeadroom(size) : new Uint8Array(size);
  out[0] = 10;
  let pos = 1;
  let v = n;
  while (v > 127) {
    out[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  out[pos++] = v;
  if (typeof s !== "string") out.set(s, pos);
  else if (n === s.length && n < 64) for (let i = 0; i < n; i++) out[pos + i] = s.charCodeAt(i);
  else textEncoder.encodeInto(s, out.subarray(pos));
  return out;
}

/** UTF-8 length of a well-formed string. */
function utf8Length(s: string): number {
  const n = s.length;
  if (n < 64) {
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    if (ascii) return n;
  }
  return Buffer.byteLength(s, "utf8");
}

/** Top-level wrappers (StringValue, Int64Value, ...) whose single field is omitted when zero. */
function wrapper(name: string, write: (w: ByteWriter) => void): Any {
  const w = new ByteWriter(64);
  write(w);
  return any(name, w.finish());
}

function classify(v: unknown): Kind {
  if (v === null || v === undefined) return "null";
  if (typeof v !== "object") return "other";
  if (Array.isArray(v) || v instanceof Map || (isPlainObject(v) && !isTimestampMessage(v))) return "plainContainer";
  return "other";
}

/**
 * Encodes a JavaScript value as google.protobuf.Any, losslessly (see docs/values.md):
 * string -> StringValue, safe integer / bigint -> Int64Value, other number -> DoubleValue,
 * boolean -> BoolValue, null/undefined -> Value(null), array/object/Map -> ListValue/Struct
 * when those carry it exactly, else toolbridge.v1.Value; Uint8Array -> BytesValue,
 * Date -> Timestamp, Arrow Table -> pandas.DataFrame, registered classes -> extension,
 * other objects -> their string form under typescript.<Class>.
 * Throws EncodeError (with a path like `$.users[1]`) for what cannot be encoded.
 */
export function encodeValue(value: unknown, options: EncodeOptions = {}): Any {
  const maxDepth = options.maxDepth ?? DEFAULT_LIMITS.maxValueDepth;
  const codecs = options.codecs ?? defaultCodecs;
  try {
    return encodeTop(value, maxDepth, codecs);
  } catch (err) {
    if (err instanceof PathError) throw new EncodeError(err.message, { path: err.path(), cause: err.cause });
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new EncodeError("value nested too deeply for the JavaScript stack", { cause: err });
    }
    throw err;
  }
}

function encodeTop(value: unknown, maxDepth: number, codecs: CodecRegistry): Any {
  switch (typeof value) {
    case "string":
      checkString(value);
      return any(TYPE.string, field1Bytes(value));
    case "number":
      if (isWireInt(value)) return int64Wrapper(value);
      return doubleWrapper(value);
    case "bigint":
      checkBigInt(value);
      return int64Wrapper(value);
    case "boolean":
      return wrapper(TYPE.bool, (w) => {
        if (value) {
          w.uint32(8);
          w.uint32(1);
        }
      });
    case "function":
    case "symbol":
      throw new PathError(`cannot encode a ${typeof value}`);
  }
  if (classify(value) === "null")
    return wrapper(TYPE.value, (w) => {
      w.uint32(S_NULL);
      w.uint32(0);
    });
  const obj = value as object;
  // Bytes, dates and the like need no Encoder (and its 1 KB buffer): made only when used.
  if (codecs.size === 0 || !codecs.forValue(obj)) {
    if (obj instanceof Uint8Array) return any(TYPE.bytes, field1Bytes(obj));
    if (classify(obj) === "plainContainer") return container(new Encoder(maxDepth, codecs), obj);
    if (obj instanceof Float64) return doubleWrapper(obj.value);
    if (obj instanceof Date || isTimestampMessage(obj)) {
      const [seconds, nanos] = timestampParts(obj);
      return wrapper(TYPE.timestamp, (w) => writeTimestampBody(w, seconds, nanos));
    }
    if (isArrowTable(obj)) {
      const w = new ByteWriter(0);
      writeArrowTable(w, obj);
      return any(TYPE.table, w.take());
    }
    if (!(obj instanceof RawExtension)) {
      const s = stringForm(obj);
      checkString(s);
      return any(`typescript.${className(obj)}`, field1Bytes(s));
    }
  }
  // Registered classes and raw extensions: a toolbridge.v1.Value holding the extension.
  const enc = new Encoder(maxDepth, codecs);
  enc.reset(false);
  enc.node(obj, 0);
  return any(TYPE.toolbridgeValue, enc.w.finish());
}

/** A list/object/Map: ListValue or Struct if they carry it exactly, else toolbridge.v1.Value. */
function container(enc: Encoder, obj: object): Any {
  enc.reset(true);
  try {
    enc.node(obj, 1); // checks depth and cycles like any nested container
    return any(Array.isArray(obj) ? TYPE.list : TYPE.struct, stripOuter(enc));
  } catch (err) {
    if (err !== NOT_STRUCT) throw err;
  }
  enc.reset(false);
  enc.node(obj, 1);
  return any(TYPE.toolbridgeValue, enc.w.finish());
}

/** The struct-form node wrote `tag len body`; ListValue/Struct at the top level are just the body. */
function stripOuter(enc: Encoder): Uint8Array {
  const bytes = enc.w.finish();
  let i = 1; // one tag byte (S_LIST / S_STRUCT)
  while ((bytes[i] as number) & 0x80) i++;
  return bytes.subarray(i + 1);
}

function int64Wrapper(v: number | bigint): Any {
  return wrapper(TYPE.int64, (w) => {
    if (v !== 0 && v !== 0n) {
      w.uint32(8);
      w.int64(v);
    }
  });
}

function doubleWrapper(v: number): Any {
  return wrapper(TYPE.double, (w) => {
    if (!(v === 0 && 1 / v > 0)) {
      w.tag(1, WIRE_FIXED64);
      w.double(v);
    }
  });
}
