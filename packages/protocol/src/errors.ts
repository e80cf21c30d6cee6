import type { ErrorType } from "./error-codes.js";

/** Name of a gRPC status code, e.g. "UNAVAILABLE". */
export type GrpcStatusName =
  | "OK"
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

/** What `ToolBridgeError.code` holds: an error type, or a gRPC status name on transport errors. */
export type ErrorCode = ErrorType | GrpcStatusName;

/**
 * Root of every error toolbridge raises, on the client and the host alike.
 * `errorType` is the stable error type (ERROR_TYPES key, or a tool's own error
 * name on tool failures), the same string as Python's `error_type`. `code` is
 * that type too, except on transport failures (the client's
 * ToolCommunicationError), where it is the gRPC status name, as the testing
 * strategy's Python tests expect. `details` holds structured context, `cause`
 * the underlying error.
 */
export class ToolBridgeError extends Error {
  override name = "ToolBridgeError";
  readonly code: ErrorCode;
  readonly errorType: string;
  readonly details: Readonly<Record<string, string>>;

  constructor(code: ErrorType, message: string, options: { details?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errorType = code;
    this.details = Object.freeze({ ...options.details });
  }
}

/**
 * Bytes from the wire that cannot be understood: an undecodable Any, a missing
 * field, an out-of-order stream. `path` points into the value, e.g. `$.users[1]`.
 */
export class ProtocolError extends ToolBridgeError {
  override name = "ProtocolError";
  readonly path: string;

  constructor(message: string, options: { path?: string; details?: Record<string, string>; cause?: unknown } = {}) {
    const path = options.path ?? "$";
    super("ProtocolError", options.path === undefined ? message : `${message} at ${path}`, {
      ...options,
      details: { ...options.details, path },
    });
    this.path = path;
  }
}

/** A caller-supplied value that cannot be encoded (cycle, int outside int64, lone surrogate...). */
export class EncodeError extends ToolBridgeError {
  override name = "EncodeError";
  readonly path: string;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    const path = options.path ?? "$";
    super("InvalidArgument", `${message} at ${path}`, { details: { path }, cause: options.cause });
    this.path = path;
  }
}
