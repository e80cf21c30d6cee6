/**
 * Spare bytes in front of a large encoded value, for the message that will carry it.
 *
 * A stream sends one 64 KB BytesValue per chunk, and its envelope (StreamToolResponse
 * fields, the Any's type URL and the length prefixes) is ~120 bytes written *before*
 * the value: without room there, the envelope writer has to copy the whole value
 * behind its header. encodeValue allocates large string/bytes bodies with HEADROOM
 * unused bytes in front and records it here; a writer that finds the room writes its
 * header into it and sends header + value as one view, with no copy.
 *
 * The registry is keyed by the ArrayBuffer and holds the value's start offset, so a
 * view that starts anywhere else (a subarray, a copy, a decoded message) has no
 * headroom: only bytes nobody else can see are ever written.
 */
export const HEADROOM = 256;

/** Values smaller than this are allocated exactly: the room would cost more than the copy it saves. */
export const HEADROOM_MIN_BYTES = 4096;

const starts = new WeakMap<ArrayBuffer, number>();

/** A zero-filled array of `size` bytes with HEADROOM spare bytes in front of it. */
export function allocateWithHeadroom(size: number): Uint8Array {
  // Zero-filled memory from V8: measured faster than Buffer.allocUnsafe's at 64 KB (never pooled).
  const buffer = new ArrayBuffer(HEADROOM + size);
  starts.set(buffer, HEADROOM);
  return new Uint8Array(buffer, HEADROOM, size);
}

/** Spare bytes directly in front of `value` (0 unless it came from allocateWithHeadroom). */
export function headroomOf(value: Uint8Array): number {
  const offset = value.byteOffset;
  return offset !== 0 && starts.get(value.buffer as ArrayBuffer) === offset ? offset : 0;
}
