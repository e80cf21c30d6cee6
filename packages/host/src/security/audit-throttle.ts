export interface AuditRateLimit {
  /** Length of one counting window (1 s). */
  windowMs?: number;
  /** Lines one event may write per window for one source: a remote address or principal (10). */
  linesPerSource?: number;
  /** Lines one event may write per window over all its sources together (100). */
  linesPerEvent?: number;
}

/** What the audit log writes when a window in which lines were held back ends. */
export interface SuppressedSummary {
  suppressedEvent: string;
  /** Lines of that event not written in the window. */
  suppressed: number;
  windowMs: number;
  /** The sources that lost the most lines (at most TOP_SOURCES), most first. */
  topSources: { source: string; suppressed: number }[];
}

export const DEFAULT_AUDIT_RATE_LIMIT: Required<AuditRateLimit> = {
  windowMs: 1_000,
  linesPerSource: 10,
  linesPerEvent: 100,
};

/** Sources tracked per event and window; beyond, they share one entry, so memory stays bounded whatever the peer count. */
const MAX_SOURCES = 10_000;
const OTHER_SOURCES = "(other sources)";
const TOP_SOURCES = 5;

interface Tally {
  written: number;
  suppressed: number;
}

interface EventTally extends Tally {
  readonly sources: Map<string, Tally>;
}

/**
 * Caps the audit lines a client can cause (failed authentications, denied
 * access, limit hits, refused connections): per event, at most `linesPerSource`
 * lines per window for one source and `linesPerEvent` for all. What is held
 * back is counted, and when the window ends one summary per event says how many
 * lines were suppressed and from where, so a flood costs a few lines a second
 * and the record still accounts for every attempt.
 */
export class AuditThrottle {
  private readonly limit: Required<AuditRateLimit>;
  private events = new Map<string, EventTally>();
  private windowStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    limit: AuditRateLimit,
    private readonly summarize: (summary: SuppressedSummary) => void,
  ) {
    this.limit = { ...DEFAULT_AUDIT_RATE_LIMIT, ...limit };
    for (const [name, value] of Object.entries(this.limit)) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`audit rate limit ${name} must be an integer >= 1`);
    }
  }

  /**
   * Whether a line of `event` from `source` may be written now; when not, it is
   * counted for the window's summary. `linesPerSource` overrides the budget of
   * one source for this event (e.g. one line per burst of refused connections).
   */
  admit(event: string, source: string, linesPerSource = this.limit.linesPerSource): boolean {
    const now = Date.now();
    if (now - this.windowStart >= this.limit.windowMs) this.endWindow(now);
    let tally = this.events.get(event);
    if (!tally) {
      tally = { written: 0, suppressed: 0, sources: new Map() };
      this.events.set(event, tally);
    }
    let from = tally.sources.get(source);
    if (!from) {
      const key = tally.sources.size < MAX_SOURCES ? source : OTHER_SOURCES;
      from = tally.sources.get(key) ?? { written: 0, suppressed: 0 };
      tally.sources.set(key, from);
    }
    if (from.written < linesPerSource && tally.written < this.limit.linesPerEvent) {
      from.written++;
      tally.written++;
      return true;
    }
    from.suppressed++;
    tally.suppressed++;
    // The summary is due when the window ends, even if nothing else arrives.
    this.timer ??= setTimeout(() => this.endWindow(Date.now()), this.windowStart + this.limit.windowMs - now).unref();
    return false;
  }

  /** Writes the summaries of the current window now (the host is closing). */
  flush(): void {
    this.endWindow(Date.now());
  }

  private endWindow(now: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ended = this.events;
    this.events = new Map();
    this.windowStart = now;
    for (const [event, tally] of ended) {
      if (tally.suppressed === 0) continue;
      const topSources = [...tally.sources]
        .filter(([, from]) => from.suppressed > 0)
        .sort(([, a], [, b]) => b.suppressed - a.suppressed)
        .slice(0, TOP_SOURCES)
        .map(([source, from]) => ({ source, suppressed: from.suppressed }));
      this.summarize({
        suppressedEvent: event,
        suppressed: tally.suppressed,
        windowMs: this.limit.windowMs,
        topSources,
      });
    }
  }
}
