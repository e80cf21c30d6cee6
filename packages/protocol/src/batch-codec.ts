import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ByteWriter, WIRE_LEN, WIRE_VARINT } from "./codec/byte-writer.js";
import { isUint32, writeAny } from "./execute-request-writer.js";
import { readExecuteToolResponse } from "./execute-response-reader.js";
import { writeExecuteToolResponse } from "./execute-response-writer.js";
import {
  type BatchExecuteToolsRequest,
  type BatchExecuteToolsResponse,
  BatchExecuteToolsResponseSchema,
  BatchMetricsSchema,
  type ExecuteToolResponse,
  ExecuteToolResponseSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { hasPlainPrototype } from "./own-keys.js";
import { type Cursor, varint } from "./wire-cursor.js";

// BatchExecuteTools carries one ExecuteTool's worth of messages per item, and protobuf-es'
// reflective toBinary/fromBinary of 50 of them cost about as much as running the 50 items.
// These write and read the batch messages directly, byte for byte what protobuf-es writes
// and reads (fuzz-compared in batch-codec.spec.ts), reusing the per-call codecs for items.

const RESPONSE_TYPE = BatchExecuteToolsResponseSchema.typeName as "toolbridge.v1.BatchExecuteToolsResponse";

/** The client's batch request; undefined (use toBinary) for a message with unknown fields or out-of-range numbers. */
export function writeBatchExecuteToolsRequest(m: BatchExecuteToolsRequest): Uint8Array | undefined {
  if (m.$unknown?.length || m.config?.$unknown?.length) return undefined;
  if (!isUint32(m.timeoutMs) || (m.config && !isUint32(m.config.maxParallel))) return undefined;
  const w = new ByteWriter(256 + 128 * m.items.length);
  if (m.sessionId !== "") {
    w.tag(1, WIRE_LEN);
    w.string(m.sessionId);
  }
  for (const item of m.items) {
    if (item.$unknown?.length) return undefined;
    w.tag(2, WIRE_LEN);
    const mark = w.beginLen();
    if (item.toolId !== "") {
      w.tag(1, WIRE_LEN);
      w.string(item.toolId);
    }
    for (const arg of item.args) {
      if (arg.$unknown?.length) return undefined;
      w.tag(2, WIRE_LEN);
      writeAny(w, arg);
    }
    if (!hasPlainPrototype(item.kwargs)) return undefined;
    for (const key in item.kwargs) {
      // A "__proto__" key (an own property, which obj[key] does not read back) is left to toBinary.
      const arg = item.kwargs[key] as Any;
      if (key === "__proto__" || arg.$unknown?.length) return undefined;
      w.tag(3, WIRE_LEN);
      const entry = w.beginLen();
      w.tag(1, WIRE_LEN);
      w.string(key);
      w.tag(2, WIRE_LEN);
      writeAny(w, arg);
      w.endLen(entry);
    }
    if (item.requestId !== "") {
      w.tag(4, WIRE_LEN);
      w.string(item.requestId);
    }
    w.endLen(mark);
  }
  if (m.config) {
    w.tag(3, WIRE_LEN);
    const mark = w.beginLen();
    if (m.config.parallel) {
      w.tag(1, WIRE_VARINT);
      w.uint32(1);
    }
    if (m.config.stopOnError) {
      w.tag(2, WIRE_VARINT);
      w.uint32(1);
    }
    if (m.config.maxParallel !== 0) {
      w.tag(3, WIRE_VARINT);
      w.uint32(m.config.maxParallel);
    }
    w.endLen(mark);
  }
  if (m.timeoutMs !== 0) {
    w.tag(4, WIRE_VARINT);
    w.uint32(m.timeoutMs);
  }
  return w.take();
}

/** The host's batch response: every result through the ExecuteToolResponse writer. */
export function writeBatchExecuteToolsResponse(m: BatchExecuteToolsResponse): Uint8Array {
  if (m.$unknown?.length) return toBinary(BatchExecuteToolsResponseSchema, m);
  const results = m.results.map(
    (result) => writeExecuteToolResponse(result) ?? toBinary(ExecuteToolResponseSchema, result),
  );
  const metrics = m.metrics ? toBinary(BatchMetricsSchema, m.metrics) : undefined;
  let size = metrics ? 6 + metrics.length : 0;
  for (const bytes of results) size += 6 + bytes.length;
  const w = new ByteWriter(size);
  for (const bytes of results) {
    w.tag(1, WIRE_LEN);
    w.bytes(bytes);
  }
  if (metrics) {
    w.tag(2, WIRE_LEN);
    w.bytes(metrics);
  }
  return w.take();
}

/**
 * The client's read of a batch response: results (field 1) then metrics (field 2),
 * each at most once in that order, results read by the ExecuteToolResponse reader.
 * Any other layout goes to fromBinary, so the result and the errors are fromBinary's.
 */
export function readBatchExecuteToolsResponse(bytes: Uint8Array): BatchExecuteToolsResponse {
  return readCanonical(bytes) ?? fromBinary(BatchExecuteToolsResponseSchema, bytes);
}

function readCanonical(b: Uint8Array): BatchExecuteToolsResponse | undefined {
  const end = b.length;
  const c: Cursor = { pos: 0, value: 0 };
  const results: ExecuteToolResponse[] = [];
  while (c.pos < end && b[c.pos] === 0x0a) {
    c.pos++;
    if (!varint(b, c, end, 5) || c.pos + c.value > end) return undefined;
    results.push(readExecuteToolResponse(b.subarray(c.pos, c.pos + c.value)));
    c.pos += c.value;
  }
  const response: BatchExecuteToolsResponse = { $typeName: RESPONSE_TYPE, results };
  if (c.pos < end && b[c.pos] === 0x12) {
    c.pos++;
    if (!varint(b, c, end, 5) || c.pos + c.value !== end) return undefined;
    response.metrics = fromBinary(BatchMetricsSchema, b.subarray(c.pos, end));
    c.pos = end;
  }
  return c.pos === end ? response : undefined;
}
