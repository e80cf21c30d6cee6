import type { Any } from "@bufbuild/protobuf/wkt";
import { ProtocolError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { setOwn } from "../own-keys.js";
import { ByteReader, readUtf8 } from "./byte-reader.js";
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./byte-writer.js";
import { type CodecRegistry, defaultCodecs, RawExtension } from "./extensions.js";
import { Float64, isWireInt } from "./float64.js";
import { PathError, type PathSegment } from "./path.js";
import { readArrowTable } from "./table-decode.js";
import { readTimestampBody } from "./timestamp.js";
import { FALLBACK_PREFIXES, TYPE, typeName, typeUrl } from "./type-urls.js";

export interface DecodeOptions {
  /** Deepest container nesting accepted (root container = 1). Default DEFAULT_LIMITS.maxValueDepth. */
  maxDepth?: number;
  /** Codecs for extension values. Default: the global registry of registerCodec. */
  codecs?: CodecRegistry;
  /**
   * Return floats that look like ints (2.0) as Float64 instead of number, so that
   * re-encoding sends them as floats again. Default false.
   */
  exactFloats?: boolean;
}

/**
 * Walks the wire bytes itself (no protobuf-es fromBinary) so depth is checked
 * before anything deeper is read: a 10 000-deep value fails at depth maxDepth + 1
 * with a ProtocolError instead of exhausting the stack. Every body reader stops at
 * its end offset and fails if a field ran past it.
 */
class Decoder {
  constructor(
    readonly r: ByteReader,
    private readonly maxDepth: number,
    private readonly codecs: CodecRegistry,
    private readonly exactFloats: boolean,
  ) {}

  double(v: number): number | Float64 {
    return this.exactFloats && isWireInt(v) ? new Float64(v) : v;
  }

  private container(depth: number): void {
    if (depth > this.maxDepth) throw new PathError(`nesting deeper than ${this.maxDepth}`);
  }

  /** toolbridge.v1.Value body up to end. */
  value(end: number, depth: number): unknown {
    const r = this.r;
    let out: unknown;
    let seen = false;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag) {
        case 8: // null_value
          r.uint32();
          out = null;
          break;
        case 16:
          out = r.bool();
          break;
        case 24:
          out = r.sint64();
          break;
        case 33:
          out = this.double(r.double());
          break;
        case 42:
          out = r.string();
          break;
        case 50:
          out = new Uint8Array(r.bytes());
          break;
        case 58: {
          const e = r.lenEnd();
          out = readTimestampBody(r, e);
          break;
        }
        case 66:
          this.container(depth + 1);
          out = this.valueList(r.lenEnd(), depth + 1);
          break;
        case 74:
          this.container(depth + 1);
          out = this.valueMap(r.lenEnd(), depth + 1);
          break;
        case 82: {
          const e = r.lenEnd();
          out = readArrowTable(r.buf.subarray(r.pos, e));
          r.pos = e;
          break;
        }
        case 90:
          out = this.extension(r.lenEnd());
          break;
        default:
          r.skipUnknown(tag, VALUE_FIELDS);
          continue;
      }
      seen = true;
    }
    ended(r, end);
    if (!seen) throw new PathError("Value has no kind");
    return out;
  }

  /** ValueList (struct = false) or ListValue (struct = true) body. */
  private list(end: number, depth: number, struct: boolean): unknown[] {
    const r = this.r;
    const out: unknown[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skipUnknown(tag, FIELD_1);
        continue;
      }
      try {
        const e = r.lenEnd();
        out.push(struct ? this.structValue(e, depth) : this.value(e, depth));
      } catch (err) {
        PathError.under(err, out.length);
      }
    }
    ended(r, end);
    return out;
  }

  valueList(end: number, depth: number): unknown[] {
    return this.list(end, depth, false);
  }

  listValue(end: number, depth: number): unknown[] {
    return this.list(end, depth, true);
  }

  /**
   * ValueMap (struct = false) or Struct (struct = true) body: a plain object while
   * every key is a string; a ValueMap with a key_value entry is re-read as a Map.
   */
  private object(end: number, depth: number, struct: boolean): unknown {
    const r = this.r;
    const start = r.pos;
    const obj: Record<string, unknown> = {};
    while (r.pos < end) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skipUnknown(tag, FIELD_1);
        continue;
      }
      const e = r.lenEnd();
      const entryStart = r.pos;
      // Fast path for the canonical layout: key (1), then value (2), nothing else.
      // (An entry without a key may be a key_value entry: the slow path sorts that out.)
      let t = r.pos < e ? r.tag() : 0;
      let key = "";
      if (t === 10) {
        key = r.key();
        t = r.pos < e ? r.tag() : 0;
      } else t = 0;
      if (t === 18) {
        let v: unknown;
        try {
          const ve = r.lenEnd();
          v = struct ? this.structValue(ve, depth) : this.value(ve, depth);
        } catch (err) {
          PathError.under(err, key);
        }
        if (r.pos === e) {
          setOwn(obj, key, v);
          continue;
        }
      }
      // Any other layout: collect the fields first.
      r.pos = entryStart;
      const fields = this.entryFields(e, !struct);
      if (fields.keyValue) {
        r.pos = start;
        return this.valueMapAsMap(end, depth);
      }
      setOwn(obj, fields.key, this.entryValue(fields, fields.key, depth, struct));
      r.pos = e;
    }
    ended(r, end);
    return obj;
  }

  valueMap(end: number, depth: number): unknown {
    return this.object(end, depth, false);
  }

  struct(end: number, depth: number): unknown {
    return this.object(end, depth, true);
  }

  private valueMapAsMap(end: number, depth: number): Map<unknown, unknown> {
    const r = this.r;
    const out = new Map<unknown, unknown>();
    let entry = 0;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skipUnknown(tag, FIELD_1);
        continue;
      }
      const e = r.lenEnd();
      const fields = this.entryFields(e, true);
      if (fields.keyValue) {
        const [ks, ke] = fields.keyValue;
        let key: unknown;
        try {
          r.pos = ks;
          key = this.value(ke, depth);
        } catch (err) {
          PathError.under(err, { entry, isKey: true });
        }
        out.set(key, this.entryValue(fields, { entry, isKey: false }, depth, false));
      } else {
        out.set(fields.key, this.entryValue(fields, fields.key, depth, false));
      }
      r.pos = e;
      entry++;
    }
    ended(r, end);
    return out;
  }

  /** Positions of an entry's key, value and (ValueMapEntry only) key_value. */
  private entryFields(end: number, keyValueAllowed: boolean): EntryFields {
    const r = this.r;
    const f: EntryFields = { key: "", value: undefined, keyValue: undefined };
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 10) f.key = r.string();
      else if (tag === 18) {
        const e = r.lenEnd();
        f.value = [r.pos, e];
        r.pos = e;
      } else if (tag === 26 && keyValueAllowed) {
        const e = r.lenEnd();
        f.keyValue = [r.pos, e];
        r.pos = e;
      } else r.skipUnknown(tag, keyValueAllowed ? FIELDS_1_2_3 : FIELDS_1_2);
    }
    ended(r, end);
    return f;
  }

  private entryValue(f: EntryFields, segment: PathSegment, depth: number, struct: boolean): unknown {
    try {
      if (!f.value) throw new PathError("map entry has no value");
      const [vs, ve] = f.value;
      this.r.pos = vs;
      return struct ? this.structValue(ve, depth) : this.value(ve, depth);
    } catch (err) {
      PathError.under(err, segment);
    }
  }

  private extension(end: number): unknown {
    const r = this.r;
    let name = "";
    let data: Uint8Array = new Uint8Array(0);
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 10) name = r.string();
      else if (tag === 18) data = new Uint8Array(r.bytes());
      else r.skipUnknown(tag, FIELDS_1_2);
    }
    ended(r, end);
    const codec = this.codecs.byTypeName(name);
    if (!codec) return new RawExtension(name, data);
    try {
      return codec.decode(data);
    } catch (err) {
      const e = new PathError(`codec ${name} failed to decode: ${(err as Error).message}`);
      e.cause = err;
      throw e;
    }
  }

  /** google.protobuf.Value body up to end. */
  structValue(end: number, depth: number): unknown {
    const r = this.r;
    let out: unknown;
    let seen = false;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag) {
        case 8:
          r.uint32();
          out = null;
          break;
        case 17:
          out = this.double(r.double());
          break;
        case 26:
          out = r.string();
          break;
        case 32:
          out = r.bool();
          break;
        case 42:
          this.container(depth + 1);
          out = this.struct(r.lenEnd(), depth + 1);
          break;
        case 50:
          this.container(depth + 1);
          out = this.listValue(r.lenEnd(), depth + 1);
          break;
        default:
          r.skipUnknown(tag, STRUCT_VALUE_FIELDS);
          continue;
      }
      seen = true;
    }
    ended(r, end);
    if (!seen) throw new PathError("Value has no kind");
    return out;
  }
}

/** A body must end exactly at its length; a field running past it is corruption. */
function ended(r: ByteReader, end: number): void {
  if (r.pos !== end) throw new PathError("message body ends inside a field");
}

interface EntryFields {
  key: string;
  value: [number, number] | undefined;
  keyValue: [number, number] | undefined;
}

/** Bit masks of known field numbers, for telling unknown fields from corrupt known ones. */
const FIELD_1 = 1 << 1;
const FIELDS_1_2 = FIELD_1 | (1 << 2);
const FIELDS_1_2_3 = FIELDS_1_2 | (1 << 3);
const STRUCT_VALUE_FIELDS = 0b1111110;
const VALUE_FIELDS = 0b111111111110;

/** Reads the single field 1 of a wrapper message (StringValue, Int64Value...); absent means zero. */
function wrapperField<T>(r: ByteReader, wireType: number, read: () => T, zero: T): T {
  let out = zero;
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, wireType);
      out = read();
    } else r.skip(tag & 7);
  }
  return out;
}

const STRING_URL = typeUrl(TYPE.string);

/**
 * A StringValue under the canonical type URL whose body is just a short field 1,
 * read without a Decoder: the most common argument and result. Undefined for
 * anything else (the general path reads it, and reports what is wrong with it).
 */
function shortStringValue(any: Any): string | undefined {
  if (any.typeUrl !== STRING_URL) return undefined;
  const b = any.value;
  if (b.length === 0) return "";
  const n = b[1] as number;
  if (b[0] !== 0x0a || n >= 0x80 || b.length !== n + 2) return undefined;
  return readUtf8(b, 2, n + 2);
}

function decodeTop(any: Any, d: Decoder): unknown {
  const r = d.r;
  const name = typeName(any.typeUrl);
  switch (name) {
    case TYPE.string:
      return wrapperField(r, WIRE_LEN, () => r.string(), "");
    case TYPE.int64:
      return wrapperField<number | bigint>(r, WIRE_VARINT, () => r.int64(), 0);
    case TYPE.int32:
      return wrapperField(r, WIRE_VARINT, () => r.varint64()[0] | 0, 0);
    case TYPE.uint32:
      return wrapperField(r, WIRE_VARINT, () => r.varint64()[0], 0);
    case TYPE.uint64:
      return wrapperField<number | bigint>(r, WIRE_VARINT, () => r.uint64(), 0);
    case TYPE.double:
      return wrapperField(r, WIRE_FIXED64, () => d.double(r.double()), d.double(0));
    case TYPE.float:
      return wrapperField(r, WIRE_FIXED32, () => d.double(r.float()), d.double(0));
    case TYPE.bool:
      return wrapperField(r, WIRE_VARINT, () => r.bool(), false);
    case TYPE.bytes:
      return wrapperField(r, WIRE_LEN, () => new Uint8Array(r.bytes()), new Uint8Array(0));
    case TYPE.value:
      return d.structValue(r.end, 0);
    case TYPE.list:
      return d.listValue(r.end, 1);
    case TYPE.struct:
      return d.struct(r.end, 1);
    case TYPE.timestamp:
      return readTimestampBody(r, r.end);
    case TYPE.toolbridgeValue:
      return d.value(r.end, 0);
    case TYPE.table:
    case TYPE.toolbridgeTable:
      return readArrowTable(any.value);
  }
  if (FALLBACK_PREFIXES.some((p) => name.startsWith(p))) {
    return wrapperField(r, WIRE_LEN, () => r.string(), "");
  }
  throw new PathError(`unknown type_url ${JSON.stringify(any.typeUrl)}`);
}

/**
 * Decodes a google.protobuf.Any written by encodeValue (in any language) or by other
 * peers using the well-known types. Throws ProtocolError, with the path of the
 * offending element, for unknown type_urls, corrupt or truncated bytes, invalid
 * UTF-8, and nesting deeper than maxDepth.
 */
export function decodeValue(any: Any, options: DecodeOptions = {}): unknown {
  try {
    const text = shortStringValue(any);
    if (text !== undefined) return text;
    const d = new Decoder(
      new ByteReader(any.value),
      options.maxDepth ?? DEFAULT_LIMITS.maxValueDepth,
      options.codecs ?? defaultCodecs,
      options.exactFloats ?? false,
    );
    return decodeTop(any, d);
  } catch (err) {
    if (err instanceof PathError) {
      throw new ProtocolError(err.message, { path: err.path(), details: { typeUrl: any.typeUrl }, cause: err.cause });
    }
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new ProtocolError("value nested too deeply for the JavaScript stack", { path: "$", cause: err });
    }
    throw err;
  }
}
