/**
 * Defaults shared by host and clients (TypeScript and Python). Python keeps the
 * same numbers; conformance/limits.json pins both.
 */
export const DEFAULT_LIMITS = {
  /** Largest gRPC message either side accepts or sends. 9 MB arguments fit; 11 MB do not. */
  maxMessageBytes: 10 * 1024 * 1024,
  /** Suggested size of one stream chunk. */
  streamChunkBytes: 64 * 1024,
  /** Items in one BatchExecuteTools call. */
  maxBatchItems: 100,
  /** Concurrency of a parallel batch when the caller does not say. */
  defaultBatchParallelism: 16,
  /** Default timeout of a unary tool call. */
  unaryTimeoutMs: 30_000,
  /** Default timeout of a streaming tool call. */
  streamTimeoutMs: 5 * 60_000,
  /** Default timeout of an agent run. */
  agentTimeoutMs: 10 * 60_000,
  /** HTTP/2 keepalive ping interval. */
  keepaliveTimeMs: 30_000,
  /** How long a keepalive ping may go unanswered. */
  keepaliveTimeoutMs: 10_000,
  /** Nesting depth of a decoded value. */
  maxValueDepth: 128,
  /** Idle time after which a session expires. */
  sessionIdleTtlMs: 60 * 60_000,
  /** Live sessions per host. */
  maxSessions: 10_000,
  /** How long a request_id's outcome is remembered. */
  idempotencyWindowMs: 5 * 60_000,
  /** Concurrent watchers per session. */
  maxWatchersPerSession: 1_000,
  /** Client HTTP/2 flow-control window, so big streams run near transport speed. */
  clientFlowControlWindowBytes: 8 * 1024 * 1024,
} as const;

export type Limits = typeof DEFAULT_LIMITS;
