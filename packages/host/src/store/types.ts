import type { Any } from "@bufbuild/protobuf/wkt";
import type {
  ExecuteToolResponse,
  SessionConfig,
  ToolSpec,
  Variable,
  WatchVariablesResponse,
} from "@toolbridge/protocol";

/**
 * Where sessions live. The host talks to sessions only through this interface,
 * so a second implementation (Redis) can hold them for several hosts. Values are
 * kept as protobuf `Any` messages exactly as they came off the wire: a store never
 * decodes. Every method is async; failures are ToolBridgeErrors:
 *
 * - SessionNotFound: the id was never created (or its tombstone is gone);
 * - SessionExpired: the session was cleaned up or idled out;
 * - AlreadyExists, ResourceExhausted (cap on live sessions), ToolNotFound,
 *   VariableNotFound, Conflict (optimistic concurrency).
 */
export interface SessionStore {
  /** Creates a session; AlreadyExists on a live duplicate, ResourceExhausted at the cap. */
  createSession(id: string, init: SessionInit): Promise<SessionState>;
  /** Reads a live session without marking it active. */
  getSession(id: string): Promise<SessionState>;
  /** Reads a live session and restarts its idle timer (every call on a session does this). */
  touchSession(id: string): Promise<SessionState>;
  /** Ends a session: tools, variables and watchers are freed; later calls get SessionExpired. */
  cleanupSession(id: string): Promise<CleanupResult>;
  /** Live sessions right now. */
  countSessions(): Promise<number>;

  /** Adds tool specs to a session (one call for a batch); AlreadyExists on a duplicate name. */
  registerTools(id: string, specs: readonly ToolSpec[]): Promise<void>;
  /** Removes a session's tools by name; returns how many there were. */
  unregisterTools(id: string, names: readonly string[]): Promise<number>;
  /** A session's own tool by id or name; ToolNotFound otherwise (global tools are not here). */
  getTool(id: string, toolId: string): Promise<ToolSpec>;
  listTools(id: string): Promise<ToolSpec[]>;

  /** Creates or updates a variable; version starts at 1 and grows by one per write. */
  setVariable(id: string, write: VariableWrite): Promise<Variable>;
  /** VariableNotFound when absent. */
  getVariable(id: string, name: string): Promise<Variable>;
  /** Variables sorted by name, filtered by prefix and tags, a page at a time. */
  listVariables(id: string, query: VariableQuery): Promise<VariablePage>;
  /** False when absent; Conflict when expectedVersion does not match. */
  deleteVariable(id: string, name: string, expectedVersion?: bigint): Promise<boolean>;
  /**
   * Changes of matching variables, in write order, each variable's versions in
   * order. With includeInitial the current values come first, taken atomically
   * with the subscription (no gap, no duplicate). Ends when the signal aborts or
   * the session ends; fails with ResourceExhausted if the reader falls too far behind.
   */
  watchVariables(id: string, options: WatchOptions): Promise<AsyncIterable<WatchVariablesResponse>>;

  /** Called once per session that ends, whether by cleanup or by idling out. */
  onSessionEnded(listener: (id: string, reason: SessionEndReason) => void): () => void;
  /** Stops timers and frees everything. */
  close(): Promise<void>;

  /**
   * Optional, for stores several hosts share: request_id records, so a retry
   * landing on another host is still deduplicated (hosts keep them in memory otherwise).
   */
  readonly requests?: RequestLedger;
  /** Optional, for stores several hosts share: token buckets every host draws from. */
  readonly rateLimits?: SharedRateLimits;
}

/** request_id outcomes shared between hosts. */
export interface RequestLedger {
  /**
   * Runs `run` once per (session, request_id) within the window: a repeat gets
   * the first outcome (waiting while it is still running anywhere); a first
   * attempt that throws is forgotten. InvalidArgument when the id was used for another tool.
   */
  once(
    sessionId: string,
    requestId: string,
    toolId: string,
    windowMs: number,
    cancelled: () => boolean,
    run: () => Promise<ExecuteToolResponse>,
  ): Promise<ExecuteToolResponse>;
}

/** Token buckets shared between hosts. */
export interface SharedRateLimits {
  /** Takes one token from the named bucket (created full): 0 when taken, else ms until one is free. */
  take(bucket: string, perMinute: number, capacity: number): Promise<number>;
}

export type SessionEndReason = "cleanup" | "expired";

export interface SessionInit {
  metadata?: Record<string, string>;
  /** Idle time after which the session expires (0 = the store's default). */
  idleTtlMs?: number;
  owner?: string;
  /** Caller's SessionConfig, kept as given. */
  config?: SessionConfig;
}

/** A live session. Timestamps are epoch milliseconds. */
export interface SessionState {
  readonly id: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly owner: string;
  readonly config: SessionConfig | undefined;
  readonly createdAt: number;
  readonly lastActiveAt: number;
  readonly idleTtlMs: number;
  readonly toolCount: number;
  readonly variableCount: number;
}

export interface CleanupResult {
  variablesRemoved: number;
  toolsRemoved: number;
}

export interface VariableWrite {
  name: string;
  value: Any;
  /** Declared type; the caller infers one when empty. */
  type?: string;
  createdBy?: string;
  tags?: readonly string[];
  description?: string;
  /** Write only if the current version equals this; 0n = must not exist yet. */
  expectedVersion?: bigint;
}

export interface VariableQuery {
  prefix?: string;
  /** Only variables carrying every one of these tags. */
  tags?: readonly string[];
  /** Page size (0 = 100, at most 1000). */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

export interface VariablePage {
  variables: Variable[];
  /** Empty on the last page. */
  nextCursor: string;
}

export interface WatchOptions {
  names?: readonly string[];
  prefix?: string;
  includeInitial?: boolean;
  signal?: AbortSignal;
}
