import { status } from "@grpc/grpc-js";
import type { WireOutcome } from "./raw-wire.js";

/**
 * Why an outcome is not a clear answer, or undefined when it is. Clear: a
 * response, or a status whose ErrorInfo names the error type. grpc-js's own
 * refusals (a message over its hard size cap) carry no ErrorInfo but a precise
 * code, and the caller's own deadline is the caller's doing. Never acceptable:
 * UNKNOWN, an INTERNAL without ErrorInfo (a crash in a handler or decoder), or a
 * stack trace in the message.
 */
export function unclear(outcome: WireOutcome, { deadlineOk = false } = {}): string | undefined {
  if (outcome.ok) return undefined;
  const { code, details, info } = outcome;
  if (/\n\s+at |\.ts:\d+|node_modules/.test(details) || (info && /\n\s+at /.test(info.message))) {
    return `stack trace leaked: ${details}`;
  }
  if (info && info.type !== "") return undefined;
  if (code === status.RESOURCE_EXHAUSTED && /larger than max/i.test(details)) return undefined;
  if (code === status.DEADLINE_EXCEEDED && deadlineOk) return undefined;
  return `status ${status[code]} without ErrorInfo: ${details}`;
}
