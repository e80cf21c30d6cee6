import type { Buffer } from "node:buffer";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ByteWriter, WIRE_LEN, WIRE_VARINT } from "./codec/byte-writer.js";
import type { ExecuteToolRequest } from "./gen/toolbridge/v1/tools_pb.js";
import { hasPlainPrototype } from "./own-keys.js";

/** Requests are written here, then copied out into a pooled Buffer (see ByteWriter.copyToBuffer). */
const scratch = new ByteWriter(1024);
/** Past this, a request gets a writer of its own, so the scratch buffer never holds on to megabytes. */
const SCRATCH_MAX_BYTES = 16 * 1024;

/**
 * ExecuteToolRequest is written once per call by the client, and protobuf-es'
 * reflective toBinary (with create() before it) costs more than the rest of the
 * client's work. This writes it directly, byte for byte what toBinary writes
 * (fields in number order, implicit-presence zero values omitted, map entries in
 * key order with key and value always present); a message with unknown fields
 * returns undefined so the caller uses toBinary.
 */
export function writeExecuteToolRequest(m: ExecuteToolRequest): Buffer | Uint8Array | undefined {
  if (m.$unknown?.length || !isUint32(m.timeoutMs)) return undefined;
  if (!hasPlainPrototype(m.kwargs) || !hasPlainPrototype(m.context)) return undefined;
  let estimate = 64 + 3 * (m.sessionId.length + m.toolId.length + m.requestId.length);
  for (const arg of m.args) {
    if (arg.$unknown?.length) return undefined;
    estimate += 16 + 3 * arg.typeUrl.length + arg.value.length;
  }
  // A "__proto__" key (an own property, which obj[key] does not read back) is left to toBinary.
  for (const key in m.kwargs) {
    if (key === "__proto__") return undefined;
    const arg = m.kwargs[key] as Any;
    if (arg.$unknown?.length) return undefined;
    estimate += 24 + 3 * (key.length + arg.typeUrl.length) + arg.value.length;
  }
  for (const key in m.context) {
    if (key === "__proto__") return undefined;
    estimate += 16 + 3 * (key.length + (m.context[key] as string).length);
  }

  const w = estimate <= SCRATCH_MAX_BYTES ? scratch.restart() : new ByteWriter(estimate);
  if (m.sessionId !== "") {
    w.tag(1, WIRE_LEN);
    w.string(m.sessionId);
  }
  if (m.toolId !== "") {
    w.tag(2, WIRE_LEN);
    w.string(m.toolId);
  }
  for (const arg of m.args) {
    w.tag(3, WIRE_LEN);
    writeAny(w, arg);
  }
  for (const key in m.kwargs) {
    w.tag(4, WIRE_LEN);
    const entry = w.beginLen();
    w.tag(1, WIRE_LEN);
    w.string(key);
    w.tag(2, WIRE_LEN);
    writeAny(w, m.kwargs[key] as Any);
    w.endLen(entry);
  }
  if (m.requestId !== "") {
    w.tag(5, WIRE_LEN);
    w.string(m.requestId);
  }
  if (m.timeoutMs !== 0) {
    w.tag(6, WIRE_VARINT);
    w.uint32(m.timeoutMs);
  }
  for (const key in m.context) {
    w.tag(7, WIRE_LEN);
    const entry = w.beginLen();
    w.tag(1, WIRE_LEN);
    w.string(key);
    w.tag(2, WIRE_LEN);
    w.string(m.context[key] as string);
    w.endLen(entry);
  }
  return w === scratch ? w.copyToBuffer() : w.take();
}

/** An Any as a length-delimited body: type_url and value, each omitted when empty. */
export function writeAny(w: ByteWriter, any: Any): void {
  const mark = w.beginLen();
  if (any.typeUrl !== "") {
    w.tag(1, WIRE_LEN);
    w.string(any.typeUrl);
  }
  if (any.value.length > 0) {
    w.tag(2, WIRE_LEN);
    w.bytes(any.value);
  }
  w.endLen(mark);
}

/** toBinary throws for anything else; the caller's fallback to it keeps that. */
export function isUint32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}
