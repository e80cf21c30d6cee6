import type { Table as ArrowTable, Data, DataType, Field, Vector } from "apache-arrow";
import { ColumnType } from "../gen/toolbridge/v1/values_pb.js";
import { loadArrow } from "./arrow.js";
import { type ByteWriter, varintSize, WIRE_LEN, WIRE_VARINT } from "./byte-writer.js";
import { PathError } from "./path.js";

/**
 * Arrow Table -> toolbridge.v1.Table body. Fixed-width columns are copied as whole
 * little-endian buffers (no per-cell loop); null slots are zeroed so both languages
 * write identical bytes. Arrow keeps no pandas index: the index column names live in
 * the schema metadata under INDEX_METADATA_KEY so a Python -> TS -> Python trip keeps them.
 */
export const INDEX_METADATA_KEY = "toolbridge.index_columns";

const INT64_MAX = 2n ** 63n - 1n;
const NS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n]; // arrow TimeUnit SECOND..NANOSECOND
const textEncoder = new TextEncoder();

interface WireColumn {
  type: ColumnType;
  data: Uint8Array;
  offsets?: Uint8Array;
  validity?: Uint8Array;
  timezone?: string;
}

export function writeArrowTable(w: ByteWriter, table: ArrowTable): void {
  const numRows = table.numRows;
  const fields = table.schema.fields as Field[];
  const columns: [Uint8Array, WireColumn, number][] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    try {
      const col = toWireColumn(field, table.getChildAt(i) as Vector, numRows);
      const name = utf8(field.name);
      columns.push([name, col, columnBodySize(name, col)]);
    } catch (err) {
      PathError.under(err, field.name);
    }
  }
  const index = table.schema.metadata.get(INDEX_METADATA_KEY);
  const indexNames = index ? (JSON.parse(index) as string[]).map(utf8) : [];
  // Sizes are known up front: one allocation, lengths written directly, no body shifted.
  let total = numRows > 0 ? 1 + varintSize(numRows) : 0;
  for (const [, , size] of columns) total += 1 + varintSize(size) + size;
  for (const name of indexNames) total += 1 + varintSize(name.length) + name.length;
  w.reserve(total);
  if (numRows > 0) {
    w.tag(1, WIRE_VARINT);
    w.int64(numRows);
  }
  for (const [name, col, size] of columns) {
    w.tag(2, WIRE_LEN);
    w.uint32(size);
    writeColumn(w, name, col);
  }
  for (const name of indexNames) {
    w.tag(3, WIRE_LEN);
    w.bytes(name);
  }
}

function utf8(s: string): Uint8Array {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new PathError("string contains a lone surrogate");
  }
  return textEncoder.encode(s);
}

const lenField = (b: Uint8Array | undefined) => (b && b.length > 0 ? 1 + varintSize(b.length) + b.length : 0);

function columnBodySize(name: Uint8Array, col: WireColumn): number {
  const tz = col.timezone ? utf8(col.timezone) : undefined;
  return (
    lenField(name) +
    1 +
    varintSize(col.type) +
    lenField(col.data) +
    lenField(col.offsets) +
    lenField(col.validity) +
    lenField(tz)
  );
}

function writeColumn(w: ByteWriter, name: Uint8Array, col: WireColumn): void {
  if (name.length > 0) {
    w.tag(1, WIRE_LEN);
    w.bytes(name);
  }
  w.tag(2, WIRE_VARINT);
  w.uint32(col.type);
  const parts: [number, Uint8Array | undefined][] = [
    [3, col.data],
    [4, col.offsets],
    [5, col.validity],
  ];
  for (const [field, bytes] of parts) {
    if (bytes && bytes.length > 0) {
      w.tag(field, WIRE_LEN);
      w.bytes(bytes);
    }
  }
  if (col.timezone) {
    w.tag(6, WIRE_LEN);
    w.bytes(utf8(col.timezone));
  }
}

function toWireColumn(field: Field, vector: Vector, numRows: number): WireColumn {
  const { DataType } = loadArrow();
  const type = field.type as DataType;
  const chunks = vector.data as Data[];
  const validity = validityOf(chunks, numRows);
  if (DataType.isInt(type)) {
    const data =
      type.bitWidth === 64 && type.isSigned
        ? fixedWidth(chunks, numRows, 8, BigInt64Array)
        : widenInts(vector, numRows, type.isSigned, type.bitWidth);
    return { type: ColumnType.INT64, data: zeroNulls(data, validity, 8), validity };
  }
  if (DataType.isFloat(type)) {
    const data = type.precision === 2 ? fixedWidth(chunks, numRows, 8, Float64Array) : widenFloats(vector, numRows);
    return { type: ColumnType.FLOAT64, data: zeroNulls(data, validity, 8), validity };
  }
  if (DataType.isBool(type)) {
    const data = new Uint8Array(numRows);
    for (let i = 0; i < numRows; i++) data[i] = vector.get(i) === true ? 1 : 0;
    return { type: ColumnType.BOOL, data, validity };
  }
  if (DataType.isTimestamp(type)) {
    let data = fixedWidth(chunks, numRows, 8, BigInt64Array);
    if (type.unit !== 3) data = scaleToNanos(data, NS_PER_UNIT[type.unit] as bigint, validity);
    return { type: ColumnType.TIMESTAMP, data: zeroNulls(data, validity, 8), validity, timezone: type.timezone ?? "" };
  }
  const isString = DataType.isUtf8(type) || DataType.isLargeUtf8(type);
  const isBinary = DataType.isBinary(type) || DataType.isLargeBinary(type);
  const dictValues = DataType.isDictionary(type) ? (type.dictionary as DataType) : undefined;
  if (isString || (dictValues && (DataType.isUtf8(dictValues) || DataType.isLargeUtf8(dictValues)))) {
    return { type: ColumnType.STRING, ...variableWidth(vector, numRows, validity, true), validity };
  }
  if (isBinary || (dictValues && (DataType.isBinary(dictValues) || DataType.isLargeBinary(dictValues)))) {
    return { type: ColumnType.BYTES, ...variableWidth(vector, numRows, validity, false), validity };
  }
  throw new PathError(`unsupported Arrow column type ${String(type)}`);
}

/** One byte per row (1 = valid); empty when the column has no nulls. */
function validityOf(chunks: readonly Data[], numRows: number): Uint8Array | undefined {
  if (!chunks.some((c) => c.nullCount > 0)) return undefined;
  const out = new Uint8Array(numRows);
  let row = 0;
  for (const c of chunks) {
    const bitmap = c.nullBitmap;
    for (let i = 0; i < c.length; i++) {
      const bit = c.offset + i;
      out[row++] = !bitmap || bitmap.length === 0 || ((bitmap[bit >> 3] as number) >> (bit & 7)) & 1 ? 1 : 0;
    }
  }
  return out;
}

type FixedArray = BigInt64Array | Float64Array;

/** The little-endian bytes of a fixed-width column: a view when it is one chunk, else one copy. */
function fixedWidth(
  chunks: readonly Data[],
  numRows: number,
  width: number,
  Ctor: BigInt64ArrayConstructor | Float64ArrayConstructor,
): Uint8Array {
  const first = chunks[0];
  if (chunks.length === 1 && first) {
    const values = first.values as FixedArray;
    return new Uint8Array(values.buffer, values.byteOffset + first.offset * width, numRows * width);
  }
  const out = new Ctor(numRows);
  let row = 0;
  for (const c of chunks) {
    const values = c.values as FixedArray;
    (out as FixedArray).set(values.subarray(c.offset, c.offset + c.length) as never, row);
    row += c.length;
  }
  return new Uint8Array(out.buffer);
}

function widenInts(vector: Vector, numRows: number, signed: boolean, bitWidth: number): Uint8Array {
  const out = new BigInt64Array(numRows);
  for (let i = 0; i < numRows; i++) {
    const v = vector.get(i) as number | bigint | null;
    if (v === null) continue;
    const b = BigInt(v);
    if (!signed && bitWidth === 64 && b > INT64_MAX) throw new PathError(`uint64 value ${b} at row ${i} exceeds int64`);
    out[i] = b;
  }
  return new Uint8Array(out.buffer);
}

function widenFloats(vector: Vector, numRows: number): Uint8Array {
  const out = new Float64Array(numRows);
  for (let i = 0; i < numRows; i++) out[i] = (vector.get(i) as number | null) ?? 0;
  return new Uint8Array(out.buffer);
}

function scaleToNanos(bytes: Uint8Array, factor: bigint, validity: Uint8Array | undefined): Uint8Array {
  const src = new BigInt64Array(new Uint8Array(bytes).buffer);
  const limit = INT64_MAX / factor;
  for (let i = 0; i < src.length; i++) {
    if (validity && validity[i] === 0) continue;
    const v = src[i] as bigint;
    if (v > limit || v < -limit) throw new PathError(`timestamp at row ${i} overflows int64 nanoseconds`);
    src[i] = v * factor;
  }
  return new Uint8Array(src.buffer);
}

/** Copies data when null slots must be zeroed (their content is unspecified in Arrow). */
function zeroNulls(data: Uint8Array, validity: Uint8Array | undefined, width: number): Uint8Array {
  if (!validity) return data;
  const out = new Uint8Array(data);
  for (let i = 0; i < validity.length; i++) if (validity[i] === 0) out.fill(0, i * width, (i + 1) * width);
  return out;
}

/** Concatenated values and (num_rows + 1) int64 offsets; nulls are empty. */
function variableWidth(
  vector: Vector,
  numRows: number,
  validity: Uint8Array | undefined,
  isString: boolean,
): { data: Uint8Array; offsets: Uint8Array } {
  const pieces: Uint8Array[] = new Array(numRows);
  const offsets = new BigInt64Array(numRows + 1);
  let total = 0;
  for (let i = 0; i < numRows; i++) {
    let piece: Uint8Array;
    if (validity && validity[i] === 0) piece = new Uint8Array(0);
    else if (isString) piece = textEncoder.encode(vector.get(i) as string);
    else piece = vector.get(i) as Uint8Array;
    pieces[i] = piece;
    total += piece.length;
    offsets[i + 1] = BigInt(total);
  }
  const data = new Uint8Array(total);
  let pos = 0;
  for (const p of pieces) {
    data.set(p, pos);
    pos += p.length;
  }
  return { data, offsets: new Uint8Array(offsets.buffer) };
}
