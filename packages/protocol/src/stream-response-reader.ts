import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { type StreamToolResponse, StreamToolResponseSchema } from "./gen/toolbridge/v1/tools_pb.js";
import { type Cursor, varint } from "./wire-cursor.js";

/**
 * Reads one StreamToolResponse. Data chunks arrive once per 64 KB of payload, and
 * protobuf-es' reflective fromBinary costs several microseconds for each; their
 * canonical shape (stream_id, sequence, data{type_url, value} in field order, each
 * once, ASCII strings, nothing else) is read here directly, with the payload a view
 * of the received bytes as fromBinary gives it. Anything else (control chunks,
 * unknown or repeated fields, non-ASCII strings, malformed bytes) goes to fromBinary,
 * so the result and the errors are always fromBinary's.
 */
export function readStreamToolResponse(bytes: Uint8Array): StreamToolResponse {
  return readDataChunk(bytes) ?? fromBinary(StreamToolResponseSchema, bytes);
}

const STREAM_RESPONSE = StreamToolResponseSchema.typeName;

function readDataChunk(b: Uint8Array): StreamToolResponse | undefined {
  const end = b.length;
  const c: Cursor = { pos: 0, value: 0 };
  let streamId: string | undefined = "";
  if (b[c.pos] === 0x0a) {
    c.pos++;
    streamId = asciiField(b, c, end);
    if (streamId === undefined) return undefined;
  }
  let sequence = 0n;
  if (b[c.pos] === 0x10) {
    c.pos++;
    if (!varint(b, c, end, 7)) return undefined;
    sequence = BigInt(c.value);
  }
  if (b[c.pos] !== 0x1a) return undefined;
  c.pos++;
  if (!varint(b, c, end, 5) || c.pos + c.value !== end) return undefined;
  let typeUrl: string | undefined = "";
  if (b[c.pos] === 0x0a) {
    c.pos++;
    typeUrl = asciiField(b, c, end);
    if (typeUrl === undefined) return undefined;
  }
  let value: Uint8Array;
  if (b[c.pos] === 0x12) {
    c.pos++;
    if (!varint(b, c, end, 5) || c.pos + c.value !== end) return undefined;
    value = b.subarray(c.pos, end);
  } else if (c.pos === end) value = new Uint8Array(0);
  else return undefined;
  const data: Any = { $typeName: "google.protobuf.Any", typeUrl, value };
  return { $typeName: STREAM_RESPONSE, streamId, sequence, content: { case: "data", value: data } };
}

/** A short (≤ 1 KB) length-prefixed ASCII string; undefined when it is not one or runs past `end`. */
function asciiField(b: Uint8Array, c: Cursor, end: number): string | undefined {
  if (!varint(b, c, end, 5)) return undefined;
  const start = c.pos;
  const stop = start + c.value;
  // Longer strings are not ids or type URLs; fromBinary reads them (and apply() has an argument limit).
  if (stop > end || c.value > 1024) return undefined;
  for (let i = start; i < stop; i++) if ((b[i] as number) >= 0x80) return undefined;
  c.pos = stop;
  // Short ASCII (stream ids, type URLs): one native call, no decoder.
  return String.fromCharCode.apply(null, b.subarray(start, stop) as unknown as number[]);
}
