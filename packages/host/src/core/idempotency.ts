import { hostError } from "../errors.js";

interface Entry<T> {
  readonly sessionId: string;
  readonly toolId: string;
  readonly outcome: Promise<T>;
  readonly expiresAt: number;
  bytes: number;
}

export interface IdempotencyLimits {
  windowMs: number;
  /** Outcomes kept at most, over all sessions. */
  maxEntries: number;
  /** Bytes of kept outcomes at most, over all sessions (results can be megabytes each). */
  maxBytes: number;
}

/**
 * Remembers the outcome of each (session, request_id) for a window, so a repeat
 * — even one that arrives while the first is still running — gets the first
 * outcome instead of running the tool again. Only outcomes are kept (never the
 * arguments). A failure before the tool ran (a status error such as a rate
 * limit or a cancelled call) is forgotten, so the client's retry can run.
 * Bounded by count and bytes: past either, the oldest outcomes go first.
 */
export class IdempotencyCache<T> {
  /** Insertion order is expiry order, so eviction always starts at the front. */
  private readonly entries = new Map<string, Entry<T>>();
  private readonly bySession = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(
    private readonly limits: IdempotencyLimits,
    private readonly sizeOf: (outcome: T) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first outcome of this request, or undefined when it is new. */
  lookup(sessionId: string, requestId: string, toolId: string): Promise<T> | undefined {
    const key = keyOf(sessionId, requestId);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt < this.now()) {
      this.delete(key, entry);
      return undefined;
    }
    if (entry.toolId !== toolId) {
      throw hostError("InvalidArgument", `request_id ${requestId} was already used for tool ${entry.toolId}`, {
        session_id: sessionId,
        request_id: requestId,
        tool_name: toolId,
      });
    }
    return entry.outcome;
  }

  remember(sessionId: string, requestId: string, toolId: string, outcome: Promise<T>): void {
    const key = keyOf(sessionId, requestId);
    const entry: Entry<T> = { sessionId, toolId, outcome, expiresAt: this.now() + this.limits.windowMs, bytes: 0 };
    this.entries.set(key, entry);
    let keys = this.bySession.get(sessionId);
    if (!keys) {
      keys = new Set();
      this.bySession.set(sessionId, keys);
    }
    keys.add(key);
    outcome.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.bytes += entry.bytes;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.delete(key, entry);
      },
    );
    this.evict();
  }

  dropSession(sessionId: string): void {
    const keys = this.bySession.get(sessionId);
    if (!keys) return;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) this.delete(key, entry);
    }
    this.bySession.delete(sessionId);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      const over = this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes;
      if (!over && entry.expiresAt >= now) break;
      this.delete(key, entry);
    }
  }

  private delete(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    const keys = this.bySession.get(entry.sessionId);
    keys?.delete(key);
    if (keys?.size === 0) this.bySession.delete(entry.sessionId);
  }
}

function keyOf(sessionId: string, requestId: string): string {
  return `${sessionId}\u0000${requestId}`;
}
