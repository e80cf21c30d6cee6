import { hostError } from "../errors.js";

interface Entry<T> {
  readonly toolId: string;
  readonly outcome: Promise<T>;
  readonly expiresAt: number;
}

/**
 * Remembers the outcome of each (session, request_id) for a window, so a repeat
 * — even one that arrives while the first is still running — gets the first
 * outcome instead of running the tool again. Only outcomes are kept (never the
 * arguments). A failure before the tool ran (a status error such as a rate
 * limit or a cancelled call) is forgotten, so the client's retry can run.
 */
export class IdempotencyCache<T> {
  private readonly sessions = new Map<string, Map<string, Entry<T>>>();
  private size = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first outcome of this request, or undefined when it is new. */
  lookup(sessionId: string, requestId: string, toolId: string): Promise<T> | undefined {
    const entries = this.sessions.get(sessionId);
    const entry = entries?.get(requestId);
    if (!entry) return undefined;
    if (entry.expiresAt < this.now()) {
      entries?.delete(requestId);
      this.size--;
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
    let entries = this.sessions.get(sessionId);
    if (!entries) {
      entries = new Map();
      this.sessions.set(sessionId, entries);
    }
    this.evictExpired(entries);
    const entry = { toolId, outcome, expiresAt: this.now() + this.windowMs };
    entries.set(requestId, entry);
    this.size++;
    outcome.catch(() => {
      if (entries.get(requestId) === entry) {
        entries.delete(requestId);
        this.size--;
      }
    });
  }

  dropSession(sessionId: string): void {
    const entries = this.sessions.get(sessionId);
    if (!entries) return;
    this.size -= entries.size;
    this.sessions.delete(sessionId);
  }

  /** Insertion order is expiry order, so expired entries are at the front. */
  private evictExpired(entries: Map<string, Entry<T>>): void {
    const now = this.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt >= now && this.size < this.maxEntries) break;
      entries.delete(key);
      this.size--;
    }
  }
}
