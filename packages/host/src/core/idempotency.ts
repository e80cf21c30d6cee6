import { hostError } from "../errors.js";

interface Entry<T, R> {
  readonly sessionId: string;
  readonly requestId: string;
  readonly toolId: string;
  /** While the first call runs; dropped once it settles, in favour of the compact record. */
  outcome: Promise<T> | undefined;
  record: R | undefined;
  readonly expiresAt: number;
  bytes: number;
  /** False once forgotten; the queue drops dead entries when it reaches them. */
  live: boolean;
}

/**
 * How settled outcomes are kept: a compact record (a full response object costs
 * about 1 KB of heap, most of it structure), rebuilt on a repeat.
 */
export interface OutcomeCodec<T, R> {
  pack(outcome: T): R;
  unpack(record: R): T;
  /** Heap bytes the record holds, for the byte bound. */
  sizeOf(record: R): number;
}

/** Keeps outcomes as they are (for callers whose outcomes are already small). */
export function keepAsIs<T>(sizeOf: (outcome: T) => number): OutcomeCodec<T, T> {
  return { pack: (v) => v, unpack: (v) => v, sizeOf };
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
export class IdempotencyCache<T, R = T> {
  /** Per session, then per request_id: no combined key string to keep per outcome. */
  private readonly bySession = new Map<string, Map<string, Entry<T, R>>>();
  /** Every entry in insertion order, which is expiry order, so eviction starts at the front. */
  private queue: (Entry<T, R> | undefined)[] = [];
  private head = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly limits: IdempotencyLimits,
    private readonly codec: OutcomeCodec<T, R>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first outcome of this request, or undefined when it is new. */
  lookup(sessionId: string, requestId: string, toolId: string): Promise<T> | undefined {
    const entry = this.bySession.get(sessionId)?.get(requestId);
    if (!entry) return undefined;
    if (entry.expiresAt < this.now()) {
      this.forget(entry);
      return undefined;
    }
    if (entry.toolId !== toolId) {
      throw hostError("InvalidArgument", `request_id ${requestId} was already used for tool ${entry.toolId}`, {
        session_id: sessionId,
        request_id: requestId,
        tool_name: toolId,
      });
    }
    return entry.outcome ?? Promise.resolve(this.codec.unpack(entry.record as R));
  }

  /**
   * Runs `run` unless this request has an outcome or is running: then it shares
   * that. When the attempt it shares fails (its caller cancelled, or it hit a
   * limit: a failure is not an outcome and is forgotten), a waiter that is not
   * cancelled itself takes over and runs, instead of failing with the first
   * caller's error; the other waiters then share its attempt.
   */
  once(
    sessionId: string,
    requestId: string,
    toolId: string,
    cancelled: () => boolean,
    run: () => Promise<T>,
  ): Promise<T> {
    const prior = this.lookup(sessionId, requestId, toolId);
    if (!prior) {
      const outcome = run();
      this.remember(sessionId, requestId, toolId, outcome);
      return outcome;
    }
    // The entry's own rejection handler (registered first) has forgotten the failed attempt by the time this runs.
    return prior.catch((error: unknown) => {
      if (cancelled()) throw error;
      return this.once(sessionId, requestId, toolId, cancelled, run);
    });
  }

  remember(sessionId: string, requestId: string, toolId: string, outcome: Promise<T>): void {
    const entry: Entry<T, R> = {
      sessionId,
      requestId,
      toolId,
      outcome,
      record: undefined,
      expiresAt: this.now() + this.limits.windowMs,
      bytes: 0,
      live: true,
    };
    let requests = this.bySession.get(sessionId);
    if (!requests) {
      requests = new Map();
      this.bySession.set(sessionId, requests);
    }
    const previous = requests.get(requestId);
    if (previous) this.forget(previous);
    requests.set(requestId, entry);
    this.queue.push(entry);
    this.count++;
    outcome.then(
      (value) => {
        if (!entry.live) return;
        entry.record = this.codec.pack(value);
        entry.outcome = undefined;
        entry.bytes = this.codec.sizeOf(entry.record);
        this.bytes += entry.bytes;
        this.evict();
      },
      () => this.forget(entry),
    );
    this.evict();
  }

  dropSession(sessionId: string): void {
    const requests = this.bySession.get(sessionId);
    if (!requests) return;
    this.bySession.delete(sessionId);
    for (const entry of requests.values()) this.release(entry);
  }

  get size(): number {
    return this.count;
  }

  private evict(): void {
    const now = this.now();
    const queue = this.queue;
    while (this.head < queue.length) {
      const entry = queue[this.head] as Entry<T, R>;
      if (entry.live) {
        const over = this.count > this.limits.maxEntries || this.bytes > this.limits.maxBytes;
        if (!over && entry.expiresAt >= now) break;
        this.forget(entry);
      }
      // Let go of the entry now: until the next compaction the slot would keep it (and its ids) alive.
      queue[this.head++] = undefined;
    }
    // Drop the consumed front now and then, so the queue does not grow for ever.
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes an entry from its session's map and releases it. */
  private forget(entry: Entry<T, R>): void {
    if (!entry.live) return;
    const requests = this.bySession.get(entry.sessionId);
    if (requests?.get(entry.requestId) === entry) {
      requests.delete(entry.requestId);
      if (requests.size === 0) this.bySession.delete(entry.sessionId);
    }
    this.release(entry);
  }

  /** Marks an entry dead and lets go of what it holds (the queue may still point at it for a while). */
  private release(entry: Entry<T, R>): void {
    if (!entry.live) return;
    entry.live = false;
    entry.outcome = undefined;
    entry.record = undefined;
    this.count--;
    this.bytes -= entry.bytes;
  }
}
