import { create } from "@bufbuild/protobuf";
import { type ServiceError, status } from "@grpc/grpc-js";
import {
  ERROR_TYPES,
  type ErrorInfo,
  ErrorInfoSchema,
  type ErrorType,
  errorInfoFromMetadata,
  isErrorType,
  ProtocolError,
  RETRY_AFTER_KEY,
  ToolBridgeError,
} from "@toolbridge/protocol";
import {
  type GrpcStatusName,
  RateLimitedError,
  SessionExpiredError,
  ToolCommunicationError,
  ToolExecutionError,
  ValidationError,
} from "./errors.js";

/** What grpc-js says when a message exceeds the channel's size limit (send: "...larger than N", receive: "...larger than max"). */
const TOO_LARGE_MARKERS = /larger than|message too large/i;

/** What the client was doing when the error happened, for the error's context. */
export interface ErrorContext {
  readonly toolName?: string;
}

type InfoErrorClass = new (info: ErrorInfo, context: { toolName?: string; cause?: unknown }) => ToolExecutionError;

/** Error types that get their own class; every other ErrorInfo becomes a ToolExecutionError. */
const INFO_ERROR_CLASSES: Partial<Record<ErrorType, InfoErrorClass>> = {
  ValidationError,
  SessionExpired: SessionExpiredError,
  RateLimitExceeded: RateLimitedError,
};

/**
 * ToolBridge code for a bare gRPC status (no ErrorInfo): the ERROR_TYPES entry
 * named after the status (UNAVAILABLE -> Unavailable, DEADLINE_EXCEEDED ->
 * DeadlineExceeded, ...) with that gRPC code, and for statuses no entry is
 * named after, the closest type.
 */
const BARE_STATUS_TYPES: ReadonlyMap<number, ErrorType> = (() => {
  const table = new Map<number, ErrorType>([
    [status.UNKNOWN, "InternalError"],
    [status.NOT_FOUND, "InternalError"],
    [status.ABORTED, "Conflict"],
    [status.OUT_OF_RANGE, "InvalidArgument"],
    [status.UNIMPLEMENTED, "InternalError"],
    [status.INTERNAL, "InternalError"],
    [status.DATA_LOSS, "ProtocolError"],
  ]);
  for (const [type, entry] of Object.entries(ERROR_TYPES) as [ErrorType, (typeof ERROR_TYPES)[ErrorType]][]) {
    if (pascalCase(status[entry.grpc] ?? "") === type) table.set(entry.grpc, type);
  }
  return table;
})();

/**
 * Error types that describe the transport, not the call: they stay
 * ToolCommunicationError even when the host explains them with an ErrorInfo,
 * as in the Python client (failures.py), so one `instanceof` works in both.
 */
const TRANSPORT_TYPES: ReadonlySet<string> = new Set<ErrorType>(["Unavailable", "DeadlineExceeded", "Cancelled"]);

/**
 * The error a host-reported ErrorInfo stands for (response, stream chunk or
 * status details): a ToolExecutionError (or subclass), except the transport
 * types above and the host's "ProtocolError" (it could not read the request),
 * which keep their own classes as in Python. `grpcCode` is the status that
 * carried the ErrorInfo, when one did.
 */
export function errorFromInfo(
  info: ErrorInfo,
  context: ErrorContext,
  cause?: unknown,
  grpcCode?: number,
): ToolBridgeError {
  const toolName = info.toolName !== "" ? info.toolName : (context.toolName ?? "");
  if (info.type === "ProtocolError") {
    const where = toolName === "" ? "" : `${toolName}: `;
    return new ProtocolError(`${where}host could not read the request: ${info.message}`, {
      details: info.details,
      cause,
    });
  }
  if (isErrorType(info.type) && TRANSPORT_TYPES.has(info.type)) {
    const code = grpcCode ?? ERROR_TYPES[info.type].grpc;
    return new ToolCommunicationError(info.type, statusName(code), code, info.message, {
      toolName,
      cause,
      details: info.details,
    });
  }
  const ErrorClass = (isErrorType(info.type) && INFO_ERROR_CLASSES[info.type]) || ToolExecutionError;
  return new ErrorClass(info, { toolName: context.toolName, cause });
}

/**
 * The error a failed call raises: a cancellation when the caller's signal
 * fired (whatever grpc-js reported), else the mapped failure.
 */
export function callError(error: unknown, context: ErrorContext, signal: AbortSignal | undefined): ToolBridgeError {
  if (signal?.aborted) {
    return new ToolCommunicationError("Cancelled", "CANCELLED", status.CANCELLED, "cancelled by the caller", {
      toolName: context.toolName,
      cause: signal.reason,
    });
  }
  return toToolBridgeError(error, context);
}

/** Any failure of a call, as one ToolBridgeError; ToolBridgeErrors pass through unchanged. */
export function toToolBridgeError(error: unknown, context: ErrorContext): ToolBridgeError {
  if (error instanceof ToolBridgeError) return error;
  if (isServiceError(error)) return errorFromStatus(error, context);
  const message = error instanceof Error ? error.message : String(error);
  return new ToolBridgeError("InternalError", message, { cause: error });
}

/** Maps a grpc-js status error: its ErrorInfo when the host sent one, else the bare status. */
export function errorFromStatus(error: ServiceError, context: ErrorContext): ToolBridgeError {
  const info = errorInfoFromMetadata(error.metadata);
  if (info !== undefined) {
    if (info.retryAfterMs === 0n) {
      const trailer = Number(error.metadata?.get(RETRY_AFTER_KEY)[0]);
      if (Number.isFinite(trailer) && trailer > 0) info.retryAfterMs = BigInt(Math.ceil(trailer));
    }
    return errorFromInfo(info, context, error, error.code);
  }
  const name = statusName(error.code);
  const details = error.details ?? "";
  if (error.code === status.INTERNAL && details.startsWith("Response message parsing error")) {
    return new ProtocolError(`${context.toolName ?? "host"}: undecodable response (${details})`, { cause: error });
  }
  if (error.code === status.RESOURCE_EXHAUSTED && TOO_LARGE_MARKERS.test(details)) {
    return messageTooLarge(details, context, error);
  }
  const code = BARE_STATUS_TYPES.get(error.code) ?? "InternalError";
  return new ToolCommunicationError(code, name, error.code, details, { toolName: context.toolName, cause: error });
}

/**
 * A message over the size limit refused on this side (grpc-js's own send or
 * receive limit): the same ToolExecutionError "MessageTooLarge" as when the
 * host refuses it, and as the Python client raises in both cases.
 */
export function messageTooLarge(what: string, context: ErrorContext, cause?: unknown): ToolExecutionError {
  const info = create(ErrorInfoSchema, { type: "MessageTooLarge", message: `message too large: ${what}` });
  return new ToolExecutionError(info, { toolName: context.toolName, cause });
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === "number" && "metadata" in error;
}

function statusName(code: number): GrpcStatusName {
  return (status[code] ?? "UNKNOWN") as GrpcStatusName;
}

function pascalCase(statusName: string): string {
  return statusName
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
