import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  type ExecuteToolResponse,
  ExecuteToolResponseSchema,
  type ExecutionMetrics,
  ExecutionMetricsSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { asciiField, type Cursor, readAny, readDouble, varint } from "./wire-cursor.js";

const RESPONSE_TYPE = ExecuteToolResponseSchema.typeName as "toolbridge.v1.ExecuteToolResponse";
const METRICS_TYPE = ExecutionMetricsSchema.typeName as "toolbridge.v1.ExecutionMetrics";
const TWO_32 = 4294967296;

/**
 * Reads one ExecuteToolResponse, the client's per-call message. protobuf-es'
 * reflective fromBinary costs more than the rest of the client's work for it; the
 * shape the host writes for a success (success, result{type_url, value},
 * metrics{...}, request_id, in field order, each once, ASCII strings) is read here
 * directly, with the result bytes a view of the input as fromBinary gives them.
 * Anything else (an error, unknown or repeated fields, non-ASCII strings,
 * malformed bytes) goes to fromBinary, so the result and the errors are always
 * fromBinary's.
 */
export function readExecuteToolResponse(bytes: Uint8Array): ExecuteToolResponse {
  return readSuccess(bytes) ?? fromBinary(ExecuteToolResponseSchema, bytes);
}

function readSuccess(b: Uint8Array): ExecuteToolResponse | undefined {
  const end = b.length;
  const c: Cursor = { pos: 0, value: 0 };
  let success = false;
  if (b[0] === 0x08) {
    const flag = b[1];
    if (flag !== 0 && flag !== 1) return undefined;
    success = flag === 1;
    c.pos = 2;
  }
  let result: Any | undefined;
  if (c.pos < end && b[c.pos] === 0x12) {
    c.pos++;
    result = readAny(b, c);
    if (result === undefined) return undefined;
  }
  let metrics: ExecutionMetrics | undefined;
  if (c.pos < end && b[c.pos] === 0x22) {
    c.pos++;
    metrics = readMetrics(b, c);
    if (metrics === undefined) return undefined;
  }
  let requestId = "";
  if (c.pos < end && b[c.pos] === 0x2a) {
    c.pos++;
    const id = asciiField(b, c, end);
    if (id === undefined) return undefined;
    requestId = id;
  }
  if (c.pos !== end) return undefined;
  // Fields in the order fromBinary creates them: scalars first (zero values), then the messages read.
  const response: ExecuteToolResponse = { $typeName: RESPONSE_TYPE, success, requestId };
  if (result) response.result = result;
  if (metrics) response.metrics = metrics;
  return response;
}

function readMetrics(b: Uint8Array, c: Cursor): ExecutionMetrics | undefined {
  if (!varint(b, c, b.length, 5)) return undefined;
  const end = c.pos + c.value;
  if (end > b.length) return undefined;
  const metrics: ExecutionMetrics = {
    $typeName: METRICS_TYPE,
    durationMs: 0,
    queuedMs: 0,
    resultBytes: 0n,
    workerId: "",
    attempts: 0,
  };
  if (c.pos < end && b[c.pos] === 0x09) {
    if (c.pos + 9 > end) return undefined;
    metrics.durationMs = readDouble(b, c.pos + 1);
    c.pos += 9;
  }
  if (c.pos < end && b[c.pos] === 0x11) {
    if (c.pos + 9 > end) return undefined;
    metrics.queuedMs = readDouble(b, c.pos + 1);
    c.pos += 9;
  }
  if (c.pos < end && b[c.pos] === 0x18) {
    c.pos++;
    // Up to 7 bytes keeps it a safe integer; larger counts go to fromBinary.
    if (!varint(b, c, end, 7)) return undefined;
    metrics.resultBytes = BigInt(c.value);
  }
  if (c.pos < end && b[c.pos] === 0x22) {
    c.pos++;
    const workerId = asciiField(b, c, end);
    if (workerId === undefined) return undefined;
    metrics.workerId = workerId;
  }
  if (c.pos < end && b[c.pos] === 0x28) {
    c.pos++;
    // uint32: five bytes at most, and below 2^32.
    if (!varint(b, c, end, 5) || c.value >= TWO_32) return undefined;
    metrics.attempts = c.value;
  }
  return c.pos === end ? metrics : undefined;
}
