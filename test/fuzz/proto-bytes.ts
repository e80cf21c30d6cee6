// Hand-made protobuf wire bytes, for frames no well-behaved encoder would write
// (10k-deep values, invalid UTF-8 in strings, out-of-range enums, huge varints).

export function varint(value: bigint | number): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Field `number` as a varint. */
export function varintField(number: number, value: bigint | number): Uint8Array {
  return concat([varint(number << 3), varint(value)]);
}

/** Field `number` as length-delimited bytes (string, bytes or sub-message). */
export function bytesField(number: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return concat([varint((number << 3) | 2), varint(bytes.byteLength), bytes]);
}

/** google.protobuf.Any { type_url, value }. */
export function anyBytes(typeUrl: string | Uint8Array, value: Uint8Array): Uint8Array {
  return concat([bytesField(1, typeUrl), bytesField(2, value)]);
}

export const VALUE_URL = "type.googleapis.com/toolbridge.v1.Value";

/** A toolbridge.v1.Value that is a list nested `depth` levels deep around `leaf` (built inside out, no recursion). */
export function nestedListValue(depth: number, leaf: Uint8Array = varintField(2, 1)): Uint8Array {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = bytesField(8, bytesField(1, value)); // Value.list_value{values: [value]}
  return value;
}

/** A toolbridge.v1.Value map with `entries` string keys, each to a small int. */
export function hugeMapValue(entries: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < entries; i++)
    parts.push(bytesField(1, concat([bytesField(1, `k${i}`), bytesField(2, varintField(3, i))])));
  return bytesField(9, concat(parts));
}
