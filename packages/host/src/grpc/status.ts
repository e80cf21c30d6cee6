import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { StatusObject } from "@grpc/grpc-js";
import { ERROR_TYPES, isErrorType, statusWithErrorInfo, ToolBridgeError } from "@toolbridge/protocol";

/** Detail keys that have their own ErrorInfo field. */
const PROMOTED = new Set(["session_id", "tool_name", "request_id", "retry_after_ms"]);

/**
 * Turns a failure of the service layer into a gRPC status whose trailers carry
 * a toolbridge.v1.ErrorInfo. Anything that is not a ToolBridgeError is a bug:
 * INTERNAL, with the stack only in debug mode.
 */
export function toGrpcStatus(error: unknown, debug: boolean): Partial<StatusObject> {
  if (error instanceof ToolBridgeError && isErrorType(error.errorType)) {
    const details: Record<string, string> = {};
    for (const key in error.details) if (!PROMOTED.has(key)) details[key] = error.details[key] as string;
    return statusWithErrorInfo(ERROR_TYPES[error.errorType].grpc, {
      type: error.errorType,
      message: error.message,
      details,
      sessionId: error.details.session_id ?? "",
      toolName: error.details.tool_name ?? "",
      requestId: error.details.request_id ?? "",
      retryAfterMs: BigInt(error.details.retry_after_ms ?? 0),
      stacktrace: debug ? (error.stack ?? "") : "",
      timestamp: timestampNow(),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return statusWithErrorInfo(ERROR_TYPES.InternalError.grpc, {
    type: "InternalError",
    message: `internal error: ${message}`,
    stacktrace: debug && error instanceof Error ? (error.stack ?? "") : "",
    timestamp: timestampNow(),
  });
}
