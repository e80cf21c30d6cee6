import type { ErrorType } from "./error-codes.js";

/**
 * Root of every error toolbridge raises, on the client and the host alike.
 * `code` is a stable error type from ERROR_TYPES (the same strings in Python),
 * `details` holds structured context, `cause` the underlying error.
 */
export class ToolBridgeError extends Error {
  override name = "ToolBridgeError";
  readonly code: ErrorType;
  readonly details: Readonly<Record<string, string>>;

  constructor(code: ErrorType, message: string, options: { details?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
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
