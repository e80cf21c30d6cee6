import { fromBinary } from "@bufbuild/protobuf";
import type { Table as ArrowTable, Data, DataType, Field } from "apache-arrow";
import { type Column, ColumnType, TableSchema } from "../gen/toolbridge/v1/values_pb.js";
import { loadArrow } from "./arrow.js";
import { PathError } from "./path.js";
import { INDEX_METADATA_KEY } from "./table-encode.js";

/**
 * toolbridge.v1.Table -> Arrow Table. Fixed-width buffers become typed-array views
 * (copied once only when the wire bytes are not 8-byte aligned); string offsets are
 * narrowed to Arrow's int32. Every length is checked first: a corrupt table is a
 * PathError, never a wrong table.
 */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function readArrowTable(bytes: Uint8Array): ArrowTable {
  let msg: ReturnType<typeof fromBinary<typeof TableSchema>>;
  try {
    msg = fromBinary(TableSchema, bytes);
  } catch (err) {
    throw new PathError(`corrupt table: ${(err as Error).message}`);
  }
  if (msg.numRows > BigInt(2 ** 31)) throw new PathError(`table has too many rows (${msg.numRows})`);
  const numRows = Number(msg.numRows);
  const { Field, makeData, RecordBatch, Schema, Struct, Table } = loadArrow();
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const col of msg.columns) {
    try {
      const data = columnData(col, numRows);
      fields.push(new Field(col.name, data.type as DataType, true));
      children.push(data);
    } catch (err) {
      PathError.under(err, col.name);
    }
  }
  const metadata = new Map<string, string>();
  if (msg.indexColumns.length > 0) metadata.set(INDEX_METADATA_KEY, JSON.stringify(msg.indexColumns));
  const schema = new Schema(fields, metadata);
  const struct = makeData({ type: new Struct(fields), length: numRows, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, struct)]);
}

function columnData(col: Column, n: number): Data {
  const { Binary, Bool, Float64, Int64, makeData, TimestampNanosecond, Utf8 } = loadArrow();
  const { bitmap, nullCount } = nullBitmap(col.validity, n);
  switch (col.type) {
    case ColumnType.INT64:
      return makeData({
        type: new Int64(),
        length: n,
        nullCount,
        nullBitmap: bitmap,
        data: fixed(col.data, n, BigInt64Array),
      });
    case ColumnType.FLOAT64:
      return makeData({
        type: new Float64(),
        length: n,
        nullCount,
        nullBitmap: bitmap,
        data: fixed(col.data, n, Float64Array),
      });
    case ColumnType.TIMESTAMP:
      return makeData({
        type: new TimestampNanosecond(col.timezone || null),
        length: n,
        nullCount,
        nullBitmap: bitmap,
        data: fixed(col.data, n, BigInt64Array),
      });
    case ColumnType.BOOL: {
      if (col.data.length !== n) throw new PathError(`bool column has ${col.data.length} bytes for ${n} rows`);
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const b = col.data[i] as number;
        if (b > 1) throw new PathError(`bool column has byte ${b} at row ${i}`);
        bits[i >> 3] = (bits[i >> 3] as number) | (b << (i & 7));
      }
      return makeData({ type: new Bool(), length: n, nullCount, nullBitmap: bitmap, data: bits });
    }
    case ColumnType.STRING:
    case ColumnType.BYTES: {
      const isString = col.type === ColumnType.STRING;
      const valueOffsets = offsets32(col.offsets, col.data.length, n);
      const data = new Uint8Array(col.data);
      if (isString) checkUtf8(data, valueOffsets);
      const type = isString ? new Utf8() : new Binary();
      return makeData({ type, length: n, nullCount, nullBitmap: bitmap, data, valueOffsets } as never);
    }
    default:
      throw new PathError(`unsupported column type ${col.type}`);
  }
}

function fixed<T extends BigInt64ArrayConstructor | Float64ArrayConstructor>(
  bytes: Uint8Array,
  n: number,
  Ctor: T,
): InstanceType<T> {
  if (bytes.length !== n * 8) throw new PathError(`column has ${bytes.length} bytes for ${n} rows of 8 bytes`);
  // A typed array over the wire buffer needs 8-byte alignment; otherwise copy once.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, n) as InstanceType<T>;
}

function nullBitmap(validity: Uint8Array, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (validity.length === 0) return { bitmap: undefined, nullCount: 0 };
  if (validity.length !== n) throw new PathError(`validity has ${validity.length} bytes for ${n} rows`);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = validity[i] as number;
    if (v > 1) throw new PathError(`validity has byte ${v} at row ${i}`);
    if (v) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    else nulls++;
  }
  return { bitmap, nullCount: nulls };
}

function offsets32(bytes: Uint8Array, dataLength: number, n: number): Int32Array {
  if (bytes.length !== (n + 1) * 8) throw new PathError(`offsets have ${bytes.length} bytes for ${n} rows`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(n + 1);
  let prev = 0;
  for (let i = 0; i <= n; i++) {
    const hi = view.getInt32(i * 8 + 4, true);
    const lo = view.getUint32(i * 8, true);
    if (hi !== 0 || lo > 0x7fffffff || lo < prev || (i === 0 && lo !== 0)) {
      throw new PathError(`offsets are not increasing from 0 at row ${i}`);
    }
    out[i] = lo;
    prev = lo;
  }
  if (prev !== dataLength) throw new PathError(`offsets end at ${prev}, data has ${dataLength} bytes`);
  return out;
}

/** The whole buffer must be UTF-8 and no offset may split a character. */
function checkUtf8(data: Uint8Array, offsets: Int32Array): void {
  try {
    utf8.decode(data);
  } catch {
    throw new PathError("string column is not valid UTF-8");
  }
  for (let i = 0; i < offsets.length - 1; i++) {
    const o = offsets[i] as number;
    if (o < data.length && ((data[o] as number) & 0xc0) === 0x80) {
      throw new PathError(`string at row ${i} starts inside a UTF-8 character`);
    }
  }
}
