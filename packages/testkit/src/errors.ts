/** Stable codes for every failure the test tooling reports, so callers can branch on them. */
export type TestkitErrorCode =
  | "INVALID_ADDRESS"
  | "INVALID_TOXIC"
  | "UNKNOWN_TOXIC_TYPE"
  | "TOXIC_EXISTS"
  | "TOXIC_NOT_FOUND"
  | "PROXY_EXISTS"
  | "PROXY_NOT_FOUND"
  | "PROXY_CLOSED"
  | "INVALID_CONFIG"
  | "READY_TIMEOUT"
  | "PROCESS_EXITED"
  | "WAIT_TIMEOUT";

export class TestkitError extends Error {
  override readonly name = "TestkitError";

  constructor(
    readonly code: TestkitErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
