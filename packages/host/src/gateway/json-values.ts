import type { Any } from "@bufbuild/protobuf/wkt";
import {
  CodecRegistry,
  decodeValue,
  EncodeError,
  encodeValue,
  Float64,
  fromTagged,
  INDEX_METADATA_KEY,
  isWireInt,
  RawExtension,
} from "@toolbridge/protocol";

/**
 * Values over HTTP: the tagged JSON notation of conformance/values (the one the
 * codec's conformance vectors use), so the HTTP side and the vectors share one
 * mapping; docs/json-values.md describes it. Two conveniences for plain callers:
 * bare JSON numbers are accepted on input (an integer is an int, anything else a
 * float), and output spells a number bare whenever reading it back gives the
 * same value and kind. Everything else keeps its tag, so nothing the codec
 * carries is lost on the way through JSON.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value that cannot be turned into (or read from) JSON; `field` names where. */
export class JsonValueError extends Error {
  override name = "JsonValueError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** No user codecs: extension values pass through as $ext instead of becoming objects JSON cannot hold. */
const RAW_EXTENSIONS = new CodecRegistry();

/** JSON in the tagged notation (bare numbers allowed) -> the protobuf Any the codec writes. */
export function anyFromJson(json: unknown, field: string): Any {
  let value: unknown;
  try {
    value = fromTagged(tagNumbers(json) as Parameters<typeof fromTagged>[0]);
  } catch (error) {
    throw new JsonValueError(field, (error as Error).message);
  }
  try {
    return encodeValue(value);
  } catch (error) {
    if (error instanceof EncodeError) throw new JsonValueError(field, error.message);
    throw error;
  }
}

/** A protobuf Any from the codec -> JSON in the tagged notation. */
export function jsonFromAny(any: Any | undefined): Json {
  if (any === undefined) return null;
  return toJson(decodeValue(any, { exactFloats: true, codecs: RAW_EXTENSIONS }));
}

/** Rewrites bare numbers as $int / $float tags, which is what fromTagged reads. */
function tagNumbers(v: unknown): unknown {
  if (typeof v === "number") {
    return isWireInt(v) ? { $int: String(v) } : { $float: floatText(v) };
  }
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(tagNumbers);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    Object.defineProperty(out, key, {
      value: tagNumbers((v as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Decoded value -> JSON. */
export function toJson(v: unknown): Json {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return numberJson(v);
    case "bigint":
      return isWireInt(Number(v)) && BigInt(Number(v)) === v ? Number(v) : { $int: v.toString() };
    case "undefined":
      return null;
    case "object":
      return objectJson(v);
  }
  throw new JsonValueError("$", `${typeof v} has no JSON form`);
}

function objectJson(v: object | null): Json {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Float64) return { $float: floatText(v.value) };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  if (v instanceof Date) return { $ts: v.toISOString() };
  if (v instanceof Map) return { $map: [...v].map(([key, value]) => [toJson(key), toJson(value)]) };
  if (v instanceof RawExtension) {
    return { $ext: { type: v.typeName, data: Buffer.from(v.data).toString("base64") } };
  }
  if (isArrowTable(v)) return { $table: tableJson(v) };
  const typeName = (v as { $typeName?: unknown }).$typeName;
  if (typeName === "google.protobuf.Timestamp") {
    const ts = v as { seconds: bigint; nanos: number };
    return { $ts: rfc3339(ts.seconds, ts.nanos) };
  }
  if (typeName !== undefined) throw new JsonValueError("$", `message ${String(typeName)} has no JSON form`);
  const keys = Object.keys(v);
  const record = v as Record<string, unknown>;
  if (needsMap(keys)) return { $map: keys.map((key) => [key, toJson(record[key])]) };
  const out: { [key: string]: Json } = {};
  for (const key of keys) out[key] = toJson(record[key]);
  return out;
}

/**
 * Keys a plain JSON object cannot carry safely: a lone "$..." key would read as a
 * tag, and "__proto__"/"constructor" are refused by JSON parsers that guard
 * against prototype poisoning (fastify's among them).
 */
function needsMap(keys: string[]): boolean {
  if (keys.length === 1 && (keys[0] as string).startsWith("$")) return true;
  return keys.includes("__proto__") || keys.includes("constructor");
}

/** Bare when reading the JSON number back gives the same value and kind (int vs float). */
function numberJson(n: number): Json {
  if (isWireInt(n)) return n;
  if (Number.isFinite(n) && !Number.isInteger(n)) return n;
  return { $float: floatText(n) };
}

function floatText(n: number): string {
  return Object.is(n, -0) ? "-0" : String(n);
}

/** RFC 3339 UTC with all nine fraction digits (what a nanosecond timestamp needs). */
function rfc3339(seconds: bigint, nanos: number): string {
  const whole = new Date(Number(seconds) * 1000).toISOString();
  return `${whole.slice(0, -5)}.${String(nanos).padStart(9, "0")}Z`;
}

const NS_PER_S = 1_000_000_000n;

function nsText(ns: bigint): string {
  let seconds = ns / NS_PER_S;
  let nanos = ns % NS_PER_S;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += NS_PER_S;
  }
  return rfc3339(seconds, Number(nanos));
}

/**
 * The parts of an Arrow table (as the codec decodes it) read here; duck-typed so the
 * host needs no Arrow dependency of its own.
 */
interface ArrowData {
  readonly length: number;
  readonly offset: number;
  readonly values: unknown;
  getValid(index: number): boolean;
}
interface ArrowVector {
  readonly length: number;
  readonly data: readonly ArrowData[];
  isValid(index: number): boolean;
  get(index: number): unknown;
}
interface ArrowField {
  readonly name: string;
  readonly type: { toString(): string; timezone?: string | null };
}
interface ArrowTableLike {
  readonly schema: { readonly fields: readonly ArrowField[]; readonly metadata: Map<string, string> };
  getChildAt(index: number): ArrowVector | null;
}

function isArrowTable(v: object): v is ArrowTableLike {
  const t = v as Partial<ArrowTableLike>;
  return typeof t.getChildAt === "function" && Array.isArray(t.schema?.fields);
}

interface ColumnJson {
  name: string;
  type: string;
  timezone?: string;
  values: Json[];
}

/** An Arrow table as the $table body: typed columns, nulls as null, index from the schema metadata. */
function tableJson(table: ArrowTableLike): { [key: string]: Json } {
  const columns = table.schema.fields.map((field, i) => columnJson(field, table.getChildAt(i) as ArrowVector));
  const out: { [key: string]: Json } = { columns: columns as unknown as Json[] };
  const index = table.schema.metadata.get(INDEX_METADATA_KEY);
  if (index) out.index = JSON.parse(index) as Json[];
  return out;
}

function columnJson(field: ArrowField, vector: ArrowVector): ColumnJson {
  const type = columnType(String(field.type));
  const values: Json[] = [];
  if (type === "timestamp") {
    // Read the raw int64 nanoseconds: Arrow's getter rounds them to milliseconds.
    for (const data of vector.data) {
      const raw = data.values as BigInt64Array;
      for (let i = 0; i < data.length; i++) {
        values.push(data.getValid(i) ? nsText(raw[data.offset + i] as bigint) : null);
      }
    }
  } else {
    for (let row = 0; row < vector.length; row++) {
      values.push(vector.isValid(row) ? toJson(vector.get(row)) : null);
    }
  }
  const timezone = field.type.timezone;
  return { name: field.name, type, ...(timezone ? { timezone } : {}), values };
}

function columnType(arrowType: string): string {
  if (arrowType === "Int64") return "int64";
  if (arrowType === "Float64") return "float64";
  if (arrowType === "Bool") return "bool";
  if (arrowType === "Utf8") return "string";
  if (arrowType === "Binary") return "bytes";
  if (arrowType.startsWith("Timestamp")) return "timestamp";
  throw new JsonValueError("$", `table column type ${arrowType} has no JSON form`);
}
