import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { type ExecuteToolRequest, ExecuteToolRequestSchema } from "./gen/toolbridge/v1/tools_pb.js";
import { asciiField, type Cursor, readAny, varint } from "./wire-cursor.js";

const REQUEST_TYPE = ExecuteToolRequestSchema.typeName as "toolbridge.v1.ExecuteToolRequest";
const TWO_32 = 4294967296;

/**
 * Reads one ExecuteToolRequest, the host's per-call message. protobuf-es'
 * reflective fromBinary costs several microseconds for it; the shape clients
 * write (fields in number order, scalars at most once, map entries with key then
 * value, ASCII strings) is read here directly, argument bytes being views of the
 * input as fromBinary gives them. Anything else (unknown or out-of-order fields,
 * non-ASCII strings, malformed bytes) goes to fromBinary, so the result and the
 * errors are always fromBinary's.
 */
export function readExecuteToolRequest(bytes: Uint8Array): ExecuteToolRequest {
  return readCanonical(bytes) ?? fromBinary(ExecuteToolRequestSchema, bytes);
}

function readCanonical(b: Uint8Array): ExecuteToolRequest | undefined {
  const end = b.length;
  const c: Cursor = { pos: 0, value: 0 };
  const m: ExecuteToolRequest = {
    $typeName: REQUEST_TYPE,
    sessionId: "",
    toolId: "",
    args: [],
    kwargs: {},
    requestId: "",
    timeoutMs: 0,
    context: {},
  };
  if (c.pos < end && b[c.pos] === 0x0a) {
    c.pos++;
    const sessionId = asciiField(b, c, end);
    if (sessionId === undefined) return undefined;
    m.sessionId = sessionId;
  }
  if (c.pos < end && b[c.pos] === 0x12) {
    c.pos++;
    const toolId = asciiField(b, c, end);
    if (toolId === undefined) return undefined;
    m.toolId = toolId;
  }
  while (c.pos < end && b[c.pos] === 0x1a) {
    c.pos++;
    const arg = readAny(b, c);
    if (arg === undefined) return undefined;
    m.args.push(arg);
  }
  while (c.pos < end && b[c.pos] === 0x22) {
    c.pos++;
    if (!readEntry(b, c, m.kwargs, true)) return undefined;
  }
  if (c.pos < end && b[c.pos] === 0x2a) {
    c.pos++;
    const requestId = asciiField(b, c, end);
    if (requestId === undefined) return undefined;
    m.requestId = requestId;
  }
  if (c.pos < end && b[c.pos] === 0x30) {
    c.pos++;
    if (!varint(b, c, end, 5) || c.value >= TWO_32) return undefined;
    m.timeoutMs = c.value;
  }
  while (c.pos < end && b[c.pos] === 0x3a) {
    c.pos++;
    if (!readEntry(b, c, m.context, false)) return undefined;
  }
  return c.pos === end ? m : undefined;
}

/**
 * One map entry (key 1, then value 2, both present): an Any for kwargs, a string
 * for context. A repeated key replaces the earlier one, as in fromBinary; a key
 * that would touch the object's prototype is left to fromBinary.
 */
function readEntry(
  b: Uint8Array,
  c: Cursor,
  into: { [key: string]: Any } | { [key: string]: string },
  anyValue: boolean,
): boolean {
  if (!varint(b, c, b.length, 5)) return false;
  const end = c.pos + c.value;
  if (end > b.length || b[c.pos] !== 0x0a) return false;
  c.pos++;
  const key = asciiField(b, c, end);
  if (key === undefined || key === "__proto__" || b[c.pos] !== 0x12) return false;
  c.pos++;
  if (anyValue) {
    const value = readAny(b, c);
    if (value === undefined) return false;
    (into as { [key: string]: Any })[key] = value;
  } else {
    const value = asciiField(b, c, end);
    if (value === undefined) return false;
    (into as { [key: string]: string })[key] = value;
  }
  return c.pos === end;
}
