import { ByteWriter, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./codec/byte-writer.js";
import type { ExecuteToolResponse } from "./gen/toolbridge/v1/tools_pb.js";

/** Small responses are written here, then copied out: one allocation per response, from Node's Buffer pool. */
const scratch = new ByteWriter(1024);
/** Larger responses get a writer of their own, so the scratch buffer never holds on to megabytes. */
const SCRATCH_MAX_BYTES = 16 * 1024;

/**
 * ExecuteToolResponse is written once per call, and protobuf-es' reflective toBinary
 * costs several microseconds for it. This writes the common shape (no error, no
 * unknown fields) directly, byte for byte what toBinary writes (fields in number
 * order, implicit-presence zero values omitted, -0 kept); anything else returns
 * undefined so the caller uses toBinary.
 */
export function writeExecuteToolResponse(m: ExecuteToolResponse): Uint8Array | undefined {
  const result = m.result;
  const metrics = m.metrics;
  if (m.error !== undefined || m.$unknown?.length || result?.$unknown?.length || metrics?.$unknown?.length) {
    return undefined;
  }
  const strings = m.requestId.length + (result?.typeUrl.length ?? 0) + (metrics?.workerId.length ?? 0);
  const estimate = 64 + 3 * strings + (result?.value.length ?? 0);
  const w = estimate <= SCRATCH_MAX_BYTES ? scratch.restart() : new ByteWriter(estimate);
  if (m.success) {
    w.tag(1, WIRE_VARINT);
    w.uint32(1);
  }
  if (result) {
    w.tag(2, WIRE_LEN);
    const mark = w.beginLen();
    if (result.typeUrl !== "") {
      w.tag(1, WIRE_LEN);
      w.string(result.typeUrl);
    }
    if (result.value.length > 0) {
      w.tag(2, WIRE_LEN);
      w.bytes(result.value);
    }
    w.endLen(mark);
  }
  if (metrics) {
    w.tag(4, WIRE_LEN);
    const mark = w.beginLen();
    if (!Object.is(metrics.durationMs, 0)) {
      w.tag(1, WIRE_FIXED64);
      w.double(metrics.durationMs);
    }
    if (!Object.is(metrics.queuedMs, 0)) {
      w.tag(2, WIRE_FIXED64);
      w.double(metrics.queuedMs);
    }
    if (metrics.resultBytes !== 0n) {
      w.tag(3, WIRE_VARINT);
      w.int64(metrics.resultBytes);
    }
    if (metrics.workerId !== "") {
      w.tag(4, WIRE_LEN);
      w.string(metrics.workerId);
    }
    if (metrics.attempts !== 0) {
      w.tag(5, WIRE_VARINT);
      w.uint32(metrics.attempts);
    }
    w.endLen(mark);
  }
  if (m.requestId !== "") {
    w.tag(5, WIRE_LEN);
    w.string(m.requestId);
  }
  return w === scratch ? w.copyToBuffer() : w.take();
}
