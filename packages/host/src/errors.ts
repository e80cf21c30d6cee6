import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { type ErrorInfo, ErrorInfoSchema, type FieldViolation, setOwn, ToolBridgeError } from "@toolbridge/protocol";

/**
 * A tool outcome that is a failure (ValidationError, TimeoutError, the tool's
 * own error...). It carries a ready ErrorInfo so executors that did not run the
 * tool in-process (workers) can pass the remote error through unchanged.
 */
export class ToolFailure extends Error {
  override name = "ToolFailure";
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/** ValidationError naming every bad field. */
export function validationFailure(toolName: string, violations: FieldViolation[]): ToolFailure {
  const details: Record<string, string> = {};
  for (const v of violations) setOwn(details, v.field, v.description);
  const list = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
  return new ToolFailure(
    create(ErrorInfoSchema, {
      type: "ValidationError",
      message: `invalid arguments for ${toolName}: ${list}`,
      details,
      fieldViolations: violations,
      toolName,
    }),
  );
}

/**
 * Error type of something a tool threw: a ToolBridgeError's code, else a string
 * `type` or `code` property, else the error's class name (TypeError, RangeError
 * ...), else "ToolError".
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof ToolBridgeError) return error.errorType;
  if (typeof error === "object" && error !== null) {
    const record = error as { type?: unknown; code?: unknown; name?: unknown };
    if (typeof record.type === "string" && record.type !== "") return record.type;
    if (typeof record.code === "string" && record.code !== "") return record.code;
    if (typeof record.name === "string" && record.name !== "" && record.name !== "Error") return record.name;
  }
  return "ToolError";
}

/** ErrorInfo for a failed tool call; the stack only when the host runs with debug. */
export function errorInfoFromThrown(error: unknown, toolName: string, requestId: string, debug: boolean): ErrorInfo {
  if (error instanceof ToolFailure) {
    const info = error.info;
    if (info.toolName === "") info.toolName = toolName;
    info.requestId = requestId;
    if (!info.timestamp) info.timestamp = timestampNow();
    return info;
  }
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ToolBridgeError ? { ...error.details } : {};
  return create(ErrorInfoSchema, {
    type: errorTypeOf(error),
    message,
    details,
    toolName,
    requestId,
    timestamp: timestampNow(),
    stacktrace: debug && error instanceof Error ? (error.stack ?? "") : "",
  });
}

/** Shorthand for a status failure raised by the service layer. */
export function hostError(
  code: ConstructorParameters<typeof ToolBridgeError>[0],
  message: string,
  details?: Record<string, string>,
): ToolBridgeError {
  return new ToolBridgeError(code, message, details === undefined ? {} : { details });
}
