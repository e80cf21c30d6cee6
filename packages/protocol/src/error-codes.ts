import { status } from "@grpc/grpc-js";

/**
 * Every error type toolbridge reports, with where it travels and how it maps to
 * gRPC and HTTP. The same table lives in conformance/error-codes.json, which the
 * TypeScript and Python suites both check against their own tables.
 *
 * `inResponse: true` types are tool outcomes: they travel inside
 * ExecuteToolResponse / batch items / stream error chunks with success=false.
 * The others are gRPC status codes carrying an ErrorInfo in the status details.
 */
export const ERROR_TYPES = {
  ToolNotFound: { grpc: status.NOT_FOUND, http: 404, inResponse: true, retryable: false },
  ValidationError: { grpc: status.INVALID_ARGUMENT, http: 400, inResponse: true, retryable: false },
  TimeoutError: { grpc: status.DEADLINE_EXCEEDED, http: 504, inResponse: true, retryable: false },
  ToolError: { grpc: status.UNKNOWN, http: 500, inResponse: true, retryable: false },
  Cancelled: { grpc: status.CANCELLED, http: 499, inResponse: true, retryable: false },
  SessionNotFound: { grpc: status.NOT_FOUND, http: 404, inResponse: false, retryable: false },
  SessionExpired: { grpc: status.FAILED_PRECONDITION, http: 410, inResponse: false, retryable: false },
  AlreadyExists: { grpc: status.ALREADY_EXISTS, http: 409, inResponse: false, retryable: false },
  VariableNotFound: { grpc: status.NOT_FOUND, http: 404, inResponse: false, retryable: false },
  AgentNotFound: { grpc: status.NOT_FOUND, http: 404, inResponse: false, retryable: false },
  Conflict: { grpc: status.ABORTED, http: 409, inResponse: false, retryable: false },
  InvalidArgument: { grpc: status.INVALID_ARGUMENT, http: 400, inResponse: false, retryable: false },
  RateLimitExceeded: { grpc: status.RESOURCE_EXHAUSTED, http: 429, inResponse: false, retryable: true },
  ResourceExhausted: { grpc: status.RESOURCE_EXHAUSTED, http: 503, inResponse: false, retryable: false },
  MessageTooLarge: { grpc: status.RESOURCE_EXHAUSTED, http: 413, inResponse: false, retryable: false },
  PermissionDenied: { grpc: status.PERMISSION_DENIED, http: 403, inResponse: false, retryable: false },
  Unauthenticated: { grpc: status.UNAUTHENTICATED, http: 401, inResponse: false, retryable: false },
  DeadlineExceeded: { grpc: status.DEADLINE_EXCEEDED, http: 504, inResponse: false, retryable: false },
  Unavailable: { grpc: status.UNAVAILABLE, http: 503, inResponse: false, retryable: true },
  ProtocolError: { grpc: status.INTERNAL, http: 502, inResponse: false, retryable: false },
  FailedPrecondition: { grpc: status.FAILED_PRECONDITION, http: 412, inResponse: false, retryable: false },
  InternalError: { grpc: status.INTERNAL, http: 500, inResponse: false, retryable: false },
} as const satisfies Record<string, { grpc: status; http: number; inResponse: boolean; retryable: boolean }>;

export type ErrorType = keyof typeof ERROR_TYPES;

export function isErrorType(value: string): value is ErrorType {
  return Object.hasOwn(ERROR_TYPES, value);
}
