import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  DEFAULT_LIMITS,
  type SessionConfig,
  type ToolSpec,
  type Variable,
  VariableChangeType,
  type WatchVariablesResponse,
  WatchVariablesResponseSchema,
} from "@toolbridge/protocol";
import { hostError } from "../errors.js";
import { AsyncQueue } from "../util/async-queue.js";
import type {
  CleanupResult,
  SessionEndReason,
  SessionInit,
  SessionState,
  SessionStore,
  VariablePage,
  VariableQuery,
  VariableWrite,
  WatchOptions,
} from "./types.js";
import {
  conflict,
  nextVariable,
  tooManyVariableBytes,
  tooManyVariables,
  type VariableBudget,
  variableBudget,
} from "./variable-write.js";

export interface MemorySessionStoreOptions {
  /** Default idle TTL (1 h). */
  idleTtlMs?: number;
  /** Live sessions at most (10,000). */
  maxSessions?: number;
  /** How often idle sessions are swept (default: a quarter of the TTL, at most 30 s). */
  sweepIntervalMs?: number;
  /** How long an ended session id answers SessionExpired rather than SessionNotFound (24 h). */
  tombstoneTtlMs?: number;
  /**
   * Ended session ids remembered at most (20,000, ~3 MB): the most recent ones answer SessionExpired.
   * A host churning 90 sessions/s fills it in ~4 minutes; past that its memory stays flat.
   */
  maxTombstones?: number;
  /** Changes a watcher may fall behind before it fails with ResourceExhausted (10,000). */
  maxWatchBacklog?: number;
  /** Watchers per session (1,000). */
  maxWatchersPerSession?: number;
  /** Variables per session (10,000). */
  maxVariablesPerSession?: number;
  /** Bytes of variables per session: names, values and metadata (64 MiB). */
  maxVariableBytesPerSession?: number;
  /** Clock, for tests. */
  now?: () => number;
  /**
   * Sessions for which this returns true are not idle, whatever their last
   * activity: the host passes "has calls in flight", so a long call does not
   * see its session expire under it.
   */
  isBusy?: (id: string) => boolean;
}

interface Watcher {
  readonly names: ReadonlySet<string>;
  readonly prefix: string;
  readonly queue: AsyncQueue<WatchVariablesResponse>;
}

interface MemorySession {
  id: string;
  metadata: Record<string, string>;
  owner: string;
  config: SessionConfig | undefined;
  createdAt: number;
  lastActiveAt: number;
  idleTtlMs: number;
  tools: Map<string, ToolSpec>;
  variables: Map<string, Variable>;
  /** heldBytes of every variable, kept up to date on each write and delete. */
  variableBytes: number;
  watchers: Set<Watcher>;
}

/** SessionStore kept in this process's memory. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, MemorySession>();
  /**
   * Ended session ids and when they ended, in whole seconds after `epoch` (rounded up): a small
   * integer is stored in the map slot itself, a millisecond timestamp would be a 16-byte heap
   * number per id.
   */
  private readonly tombstones = new Map<string, number>();
  private readonly epoch: number;
  private readonly listeners = new Set<(id: string, reason: SessionEndReason) => void>();
  private readonly idleTtlMs: number;
  private readonly maxSessions: number;
  private readonly tombstoneTtlMs: number;
  private readonly maxTombstones: number;
  private readonly maxWatchBacklog: number;
  private readonly maxWatchersPerSession: number;
  private readonly budget: VariableBudget;
  private readonly now: () => number;
  private readonly isBusy: (id: string) => boolean;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.idleTtlMs = options.idleTtlMs ?? DEFAULT_LIMITS.sessionIdleTtlMs;
    this.maxSessions = options.maxSessions ?? DEFAULT_LIMITS.maxSessions;
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 24 * 60 * 60_000;
    this.maxTombstones = options.maxTombstones ?? 20_000;
    this.maxWatchBacklog = options.maxWatchBacklog ?? 10_000;
    this.maxWatchersPerSession = options.maxWatchersPerSession ?? DEFAULT_LIMITS.maxWatchersPerSession;
    this.budget = variableBudget(options);
    this.now = options.now ?? Date.now;
    this.epoch = this.now();
    this.isBusy = options.isBusy ?? (() => false);
    const interval = options.sweepIntervalMs ?? Math.min(30_000, Math.max(10, this.idleTtlMs / 4));
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
  }

  async createSession(id: string, init: SessionInit): Promise<SessionState> {
    if (id === "") throw hostError("InvalidArgument", "session_id must not be empty");
    const existing = this.sessions.get(id);
    if (existing && !this.expireIfIdle(existing)) {
      throw hostError("AlreadyExists", `session ${id} already exists`, { session_id: id });
    }
    if (this.sessions.size >= this.maxSessions) {
      this.sweep();
      if (this.sessions.size >= this.maxSessions) {
        throw hostError("ResourceExhausted", `too many live sessions (limit ${this.maxSessions})`, {
          session_id: id,
          max_sessions: String(this.maxSessions),
        });
      }
    }
    this.tombstones.delete(id);
    const now = this.now();
    const session: MemorySession = {
      id,
      metadata: { ...init.metadata },
      owner: init.owner ?? "",
      config: init.config,
      createdAt: now,
      lastActiveAt: now,
      idleTtlMs: init.idleTtlMs || this.idleTtlMs,
      tools: new Map(),
      variables: new Map(),
      variableBytes: 0,
      watchers: new Set(),
    };
    this.sessions.set(id, session);
    return snapshot(session);
  }

  async getSession(id: string): Promise<SessionState> {
    return snapshot(this.live(id));
  }

  async touchSession(id: string): Promise<SessionState> {
    const session = this.live(id);
    session.lastActiveAt = this.now();
    return snapshot(session);
  }

  async cleanupSession(id: string): Promise<CleanupResult> {
    const session = this.live(id);
    const result = { variablesRemoved: session.variables.size, toolsRemoved: session.tools.size };
    this.end(session, "cleanup");
    return result;
  }

  async countSessions(): Promise<number> {
    return this.sessions.size;
  }

  async registerTools(id: string, specs: readonly ToolSpec[]): Promise<void> {
    const session = this.live(id);
    for (const spec of specs) {
      if (session.tools.has(spec.name) || specs.filter((s) => s.name === spec.name).length > 1) {
        throw hostError("AlreadyExists", `tool ${spec.name} is already registered in session ${id}`, {
          session_id: id,
          tool_name: spec.name,
        });
      }
    }
    for (const spec of specs) session.tools.set(spec.name, spec);
  }

  async unregisterTools(id: string, names: readonly string[]): Promise<number> {
    const session = this.live(id);
    let removed = 0;
    for (const name of names) if (session.tools.delete(name)) removed++;
    return removed;
  }

  async getTool(id: string, toolId: string): Promise<ToolSpec> {
    const session = this.live(id);
    const spec = session.tools.get(toolId) ?? [...session.tools.values()].find((t) => t.toolId === toolId);
    if (!spec)
      throw hostError("ToolNotFound", `tool ${toolId} not found in session ${id}`, {
        session_id: id,
        tool_name: toolId,
      });
    return spec;
  }

  async listTools(id: string): Promise<ToolSpec[]> {
    return [...this.live(id).tools.values()];
  }

  async setVariable(id: string, write: VariableWrite): Promise<Variable> {
    const session = this.live(id);
    if (write.name === "") throw hostError("InvalidArgument", "variable name must not be empty", { session_id: id });
    const current = session.variables.get(write.name);
    const currentVersion = current?.metadata?.version ?? 0n;
    if (write.expectedVersion !== undefined && write.expectedVersion !== currentVersion) {
      throw conflict(id, write.name, write.expectedVersion, String(currentVersion));
    }
    // Variables are immutable once stored: watchers may still hold the previous one.
    const variable = nextVariable(current, write, timestampFromMs(this.now()));
    const { maxVariablesPerSession, maxVariableBytesPerSession } = this.budget;
    if (!current && session.variables.size >= maxVariablesPerSession) {
      throw tooManyVariables(id, write.name, maxVariablesPerSession);
    }
    const bytes = session.variableBytes + heldBytes(variable) - (current ? heldBytes(current) : 0);
    if (bytes > maxVariableBytesPerSession)
      throw tooManyVariableBytes(id, write.name, maxVariableBytesPerSession, bytes);
    session.variableBytes = bytes;
    session.variables.set(write.name, variable);
    session.lastActiveAt = this.now();
    this.publish(session, VariableChangeType.SET, variable);
    return variable;
  }

  async getVariable(id: string, name: string): Promise<Variable> {
    const variable = this.live(id).variables.get(name);
    if (!variable)
      throw hostError("VariableNotFound", `variable ${name} not found in session ${id}`, { session_id: id, name });
    return variable;
  }

  async listVariables(id: string, query: VariableQuery): Promise<VariablePage> {
    const session = this.live(id);
    const prefix = query.prefix ?? "";
    const tags = query.tags ?? [];
    const limit = Math.min(query.limit || 100, 1000);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const names = [...session.variables.keys()]
      .filter((name) => name.startsWith(prefix) && (after === undefined || name > after))
      .sort();
    const variables: Variable[] = [];
    let last: string | undefined;
    for (const name of names) {
      const variable = session.variables.get(name) as Variable;
      const own = variable.metadata?.tags ?? [];
      if (!tags.every((t) => own.includes(t))) continue;
      if (variables.length === limit) return { variables, nextCursor: encodeCursor(last as string) };
      variables.push(variable);
      last = name;
    }
    return { variables, nextCursor: "" };
  }

  async deleteVariable(id: string, name: string, expectedVersion?: bigint): Promise<boolean> {
    const session = this.live(id);
    const current = session.variables.get(name);
    const currentVersion = current?.metadata?.version ?? 0n;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw conflict(id, name, expectedVersion, String(currentVersion));
    }
    if (!current) return false;
    session.variables.delete(name);
    session.variableBytes -= heldBytes(current);
    this.publish(session, VariableChangeType.DELETED, current);
    return true;
  }

  async watchVariables(id: string, options: WatchOptions): Promise<AsyncIterable<WatchVariablesResponse>> {
    const session = this.live(id);
    if (session.watchers.size >= this.maxWatchersPerSession) {
      throw hostError("ResourceExhausted", `too many watchers on session ${id} (limit ${this.maxWatchersPerSession})`, {
        session_id: id,
      });
    }
    const watcher: Watcher = {
      names: new Set(options.names ?? []),
      prefix: options.prefix ?? "",
      queue: new AsyncQueue<WatchVariablesResponse>(this.maxWatchBacklog, () => {
        session.watchers.delete(watcher);
        options.signal?.removeEventListener("abort", stop);
      }),
    };
    const stop = () => watcher.queue.end();
    if (options.signal?.aborted) {
      watcher.queue.end();
      return watcher.queue;
    }
    options.signal?.addEventListener("abort", stop, { once: true });
    // Initial values and the subscription happen in the same tick: no write can fall between them.
    if (options.includeInitial) {
      for (const name of [...session.variables.keys()].sort()) {
        if (matches(watcher, name)) {
          watcher.queue.push(
            create(WatchVariablesResponseSchema, {
              changeType: VariableChangeType.INITIAL,
              variable: session.variables.get(name) as Variable,
            }),
          );
        }
      }
    }
    session.watchers.add(watcher);
    return watcher.queue;
  }

  onSessionEnded(listener: (id: string, reason: SessionEndReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) this.end(session, "cleanup");
    this.tombstones.clear();
  }

  /** Expires every session idle for longer than its TTL. */
  sweep(): void {
    for (const session of [...this.sessions.values()]) this.expireIfIdle(session);
    this.pruneTombstones();
  }

  private live(id: string): MemorySession {
    const session = this.sessions.get(id);
    if (session && !this.expireIfIdle(session)) return session;
    if (this.tombstones.has(id)) {
      throw hostError("SessionExpired", `session ${id} has expired or was cleaned up`, { session_id: id });
    }
    throw hostError("SessionNotFound", `session ${id} not found`, { session_id: id });
  }

  private expireIfIdle(session: MemorySession): boolean {
    if (this.now() - session.lastActiveAt <= session.idleTtlMs) return false;
    if (this.isBusy(session.id)) {
      session.lastActiveAt = this.now();
      return false;
    }
    this.end(session, "expired");
    return true;
  }

  private end(session: MemorySession, reason: SessionEndReason): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.tombstones.set(session.id, Math.ceil((this.now() - this.epoch) / 1000));
    this.pruneTombstones();
    for (const watcher of [...session.watchers]) watcher.queue.end();
    session.watchers.clear();
    session.variables.clear();
    session.tools.clear();
    for (const listener of this.listeners) listener(session.id, reason);
  }

  private pruneTombstones(): void {
    const oldest = (this.now() - this.tombstoneTtlMs - this.epoch) / 1000;
    for (const [id, endedAt] of this.tombstones) {
      if (endedAt >= oldest && this.tombstones.size <= this.maxTombstones) break;
      this.tombstones.delete(id);
    }
  }

  private publish(session: MemorySession, changeType: VariableChangeType, variable: Variable): void {
    if (session.watchers.size === 0) return;
    let event: WatchVariablesResponse | undefined;
    for (const watcher of session.watchers) {
      if (!matches(watcher, variable.name)) continue;
      event ??= create(WatchVariablesResponseSchema, { changeType, variable });
      watcher.queue.push(event);
    }
  }
}

function matches(watcher: Watcher, name: string): boolean {
  if (watcher.names.size === 0 && watcher.prefix === "") return true;
  return watcher.names.has(name) || (watcher.prefix !== "" && name.startsWith(watcher.prefix));
}

/** What a variable costs the session's byte budget: its name, value and metadata (string lengths, not encoded). */
function heldBytes(variable: Variable): number {
  const meta = variable.metadata;
  let bytes = variable.name.length + (variable.value?.typeUrl.length ?? 0) + (variable.value?.value.byteLength ?? 0);
  if (meta) {
    bytes += meta.type.length + meta.createdBy.length + meta.description.length;
    for (const tag of meta.tags) bytes += tag.length;
  }
  return bytes;
}

function snapshot(session: MemorySession): SessionState {
  return {
    id: session.id,
    metadata: session.metadata,
    owner: session.owner,
    config: session.config,
    createdAt: session.createdAt,
    lastActiveAt: session.lastActiveAt,
    idleTtlMs: session.idleTtlMs,
    toolCount: session.tools.size,
    variableCount: session.variables.size,
  };
}

function encodeCursor(name: string): string {
  return Buffer.from(name, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8");
}
