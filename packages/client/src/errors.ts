import type { ErrorInfo, GrpcStatusName } from "@toolbridge/protocol";
import { type ErrorType, isErrorType, ToolBridgeError } from "@toolbridge/protocol";

export type { GrpcStatusName } from "@toolbridge/protocol";

/** One invalid argument, as the host reported it. */
export interface FieldError {
  readonly field: string;
  readonly description: string;
}

/**
 * The host reported a failure with an ErrorInfo: a tool's own outcome
 * (ToolNotFound, ValidationError, TimeoutError, the tool's error type) or a
 * session/limit failure carried in the gRPC status details. Also a message
 * over the size limit refused by grpc-js on this side, like the host's refusal.
 *
 * `errorType` is the host's type string verbatim (it may be a tool-specific
 * name such as "RangeError"); `code` is the stable ToolBridge code, "ToolError"
 * for types outside ERROR_TYPES. `toolName` is "" for session operations.
 */
export class ToolExecutionError extends ToolBridgeError {
  override name = "ToolExecutionError";
  readonly toolName: string;
  override readonly errorType: string;
  readonly requestId: string;
  readonly sessionId: string;
  /** The ErrorInfo as received, for fields not surfaced above (stacktrace, timestamp). */
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo, context: { toolName?: string; cause?: unknown } = {}) {
    const code: ErrorType = isErrorType(info.type) ? info.type : "ToolError";
    const toolName = info.toolName !== "" ? info.toolName : (context.toolName ?? "");
    const where = toolName === "" ? "" : `${toolName}: `;
    super(code, `${where}${info.type}: ${info.message}`, { details: info.details, cause: context.cause });
    this.toolName = toolName;
    this.errorType = info.type;
    this.requestId = info.requestId;
    this.sessionId = info.sessionId;
    this.info = info;
  }
}

/** The arguments did not pass the tool's schema; `fields` names every bad one. */
export class ValidationError extends ToolExecutionError {
  override name = "ValidationError";
  readonly fields: readonly FieldError[];

  constructor(info: ErrorInfo, context: { toolName?: string; cause?: unknown } = {}) {
    super(info, context);
    this.fields =
      info.fieldViolations.length > 0
        ? info.fieldViolations.map((v) => ({ field: v.field, description: v.description }))
        : Object.entries(info.details).map(([field, description]) => ({ field, description }));
  }
}

/**
 * The session was cleaned up or expired. A ToolExecutionError so that code
 * written against the spec's Python client (`error_type == "SessionExpired"`)
 * reads the same here.
 */
export class SessionExpiredError extends ToolExecutionError {
  override name = "SessionExpiredError";
}

/** The host refused the call for now; retry after `retryAfterMs`. */
export class RateLimitedError extends ToolExecutionError {
  override name = "RateLimitedError";
  readonly retryAfterMs: number;

  constructor(info: ErrorInfo, context: { toolName?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super(info, context);
    this.retryAfterMs = context.retryAfterMs ?? retryAfterFromInfo(info);
  }
}

/**
 * The call failed in transport: connection refused or dropped, deadline,
 * cancellation; a bare gRPC status, or one whose ErrorInfo is Unavailable,
 * DeadlineExceeded or Cancelled (the same split as the Python client). A
 * message over the size limit is not one: that is a ToolExecutionError
 * "MessageTooLarge" whichever side refused it.
 * `code` is the gRPC status name ("UNAVAILABLE", as the Python client's
 * `code` is grpc.StatusCode.UNAVAILABLE); `errorType` the stable type
 * ("Unavailable") shared with every other error; `grpcCode` the number.
 */
export class ToolCommunicationError extends ToolBridgeError {
  override name = "ToolCommunicationError";
  override readonly code: GrpcStatusName;
  readonly toolName: string;
  readonly grpcCode: number;

  constructor(
    errorType: ErrorType,
    status: GrpcStatusName,
    grpcCode: number,
    message: string,
    context: { toolName?: string; cause?: unknown; details?: Record<string, string> } = {},
  ) {
    const toolName = context.toolName ?? "";
    super(errorType, toolName === "" ? `${status}: ${message}` : `${toolName}: ${status}: ${message}`, {
      details: { ...context.details, status },
      cause: context.cause,
    });
    this.code = status;
    this.toolName = toolName;
    this.grpcCode = grpcCode;
  }
}

/** Wait the host asked for, from ErrorInfo.retry_after_ms or a `retry_after` (seconds) detail. */
function retryAfterFromInfo(info: ErrorInfo): number {
  if (info.retryAfterMs > 0n) return Number(info.retryAfterMs);
  const ms = Number(info.details.retry_after_ms);
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(info.details.retry_after);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
