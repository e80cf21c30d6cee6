import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { Table as ArrowTable, Data, DataType, Field, Vector } from "apache-arrow";
import { isArrowTable, loadArrow } from "./arrow.js";
import { RawExtension } from "./extensions.js";
import { Float64 } from "./float64.js";
import { INDEX_METADATA_KEY } from "./table-encode.js";

/**
 * The tagged JSON notation of conformance/values (see its README) -> JavaScript values,
 * the way decodeValue(..., { exactFloats: true }) returns them. Python's twin is
 * python/toolbridge/_codec_tagged.py. Used by the conformance and property tests.
 */
type Tagged = null | boolean | string | Tagged[] | { [key: string]: Tagged };

const TS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;

/** RFC 3339 UTC with up to 9 fraction digits -> nanoseconds since the epoch. */
function parseTimestampNs(s: string): bigint {
  const m = TS.exec(s);
  if (!m) throw new Error(`bad $ts ${s}`);
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, 0);
  return BigInt(date.getTime() / 1000) * 1_000_000_000n + BigInt((m[7] ?? "").padEnd(9, "0"));
}

function timestamp(s: string): unknown {
  const ns = parseTimestampNs(s);
  let seconds = ns / 1_000_000_000n;
  let nanos = ns % 1_000_000_000n;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += 1_000_000_000n;
  }
  if (nanos % 1_000_000n === 0n) return new Date(Number(seconds) * 1000 + Number(nanos / 1_000_000n));
  return create(TimestampSchema, { seconds, nanos: Number(nanos) });
}

function int(s: string): number | bigint {
  const b = BigInt(s);
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

function float(s: string): number | Float64 {
  const n = Number(s);
  return Number.isSafeInteger(n) && !Object.is(n, -0) ? new Float64(n) : n;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function fromTagged(v: Tagged): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") throw new Error(`bare JSON number ${v}: use $int or $float`);
  if (Array.isArray(v)) return v.map(fromTagged);
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] as string).startsWith("$")) {
    const body = v[keys[0] as string] as Tagged;
    switch (keys[0]) {
      case "$int":
        return int(body as string);
      case "$float":
        return float(body as string);
      case "$bytes":
        return new Uint8Array(Buffer.from(body as string, "base64"));
      case "$ts":
        return timestamp(body as string);
      case "$map": {
        const entries = (body as [Tagged, Tagged][]).map(([k, x]) => [fromTagged(k), fromTagged(x)] as const);
        if (entries.every(([k]) => typeof k === "string")) {
          const obj: Record<string, unknown> = {};
          for (const [k, x] of entries) setOwn(obj, k as string, x);
          return obj;
        }
        return new Map(entries);
      }
      case "$ext": {
        const ext = body as { type: string; data: string };
        return new RawExtension(ext.type, new Uint8Array(Buffer.from(ext.data, "base64")));
      }
      case "$table":
        return table(body as unknown as TableSpec);
    }
    throw new Error(`unknown tag ${keys[0]}`);
  }
  const obj: Record<string, unknown> = {};
  for (const k of keys) setOwn(obj, k, fromTagged(v[k] as Tagged));
  return obj;
}

interface TableSpec {
  index?: string[];
  columns: { name: string; type: string; timezone?: string; values: Tagged[] }[];
}

/** An Arrow table built with Arrow's own builders (independent of the codec's table reader). */
function table(spec: TableSpec): ArrowTable {
  const { Field, makeData, RecordBatch, Schema, Struct, Table } = loadArrow();
  const fields: Field[] = [];
  const children: Data[] = [];
  let numRows = 0;
  for (const c of spec.columns) {
    numRows = c.values.length;
    const vector = column(c.type, c.values, c.timezone);
    fields.push(new Field(c.name, vector.type as DataType, true));
    children.push(vector.data[0] as Data);
  }
  const metadata = new Map<string, string>();
  if (spec.index?.length) metadata.set(INDEX_METADATA_KEY, JSON.stringify(spec.index));
  const schema = new Schema(fields, metadata);
  const struct = makeData({ type: new Struct(fields), length: numRows, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, struct)]);
}

function column(type: string, values: Tagged[], timezone?: string): Vector {
  const {
    Binary,
    Bool,
    Float64: ArrowFloat64,
    Int64,
    makeData,
    Table,
    TimestampNanosecond,
    Utf8,
    vectorFromArray,
  } = loadArrow();
  const parsed = values.map((x) => (x === null ? null : fromTagged(x)));
  switch (type) {
    case "int64":
      return vectorFromArray(
        parsed.map((x) => (x === null ? null : BigInt(x as number | bigint))),
        new Int64(),
      );
    case "float64":
      return vectorFromArray(
        parsed.map((x) => (x instanceof Float64 ? x.value : x)) as (number | null)[],
        new ArrowFloat64(),
      );
    case "bool":
      return vectorFromArray(parsed as (boolean | null)[], new Bool());
    case "string":
      return vectorFromArray(parsed as (string | null)[], new Utf8());
    case "bytes":
      return vectorFromArray(parsed as (Uint8Array | null)[], new Binary());
    case "timestamp": {
      const ns = new BigInt64Array(values.length);
      const valid = new Uint8Array((values.length + 7) >> 3);
      let nulls = 0;
      values.forEach((x, i) => {
        if (x === null) nulls++;
        else {
          ns[i] = parseTimestampNs(x as string);
          valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
        }
      });
      const data = makeData({
        type: new TimestampNanosecond(timezone ?? null),
        length: values.length,
        nullCount: nulls,
        nullBitmap: nulls ? valid : undefined,
        data: ns,
      });
      return new Table({ t: data }).getChild("t") as Vector;
    }
  }
  throw new Error(`unknown column type ${type}`);
}

/**
 * A comparable form: objects become ordered entry lists (so key order counts) and
 * Arrow tables become {name, type, values} columns read cell by cell.
 */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [canonical(k), canonical(x)]) };
  if (v !== null && typeof v === "object" && isArrowTable(v)) {
    return {
      table: v.schema.fields.map((f, i) => {
        const vec = v.getChildAt(i) as Vector;
        const raw = String(f.type).startsWith("Timestamp") ? (vec.data[0]?.values as BigInt64Array) : undefined;
        return {
          name: f.name,
          type: String(f.type),
          values: Array.from({ length: v.numRows }, (_, r) => (vec.isValid(r) ? (raw ? raw[r] : vec.get(r)) : null)),
        };
      }),
      metadata: [...v.schema.metadata],
    };
  }
  const proto = v !== null && typeof v === "object" ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) {
    const obj = v as Record<string, unknown>;
    return { object: Object.keys(obj).map((k) => [k, canonical(obj[k])]) };
  }
  return v;
}
