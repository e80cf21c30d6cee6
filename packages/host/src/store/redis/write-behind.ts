import type { RedisConnection } from "./connection.js";
import { RECORD } from "./request-lease.js";

/** How long records claimed under a lease wait to go out together (a waiting host polls for them meanwhile). */
const FLUSH_MS = 5;

/** A record claimed in memory, not sent yet. */
export interface BehindRecord {
  readonly keys: readonly string[];
  /** RECORD's ARGV without the outcome. */
  readonly args: readonly string[];
  /** Set when the attempt finished before the flush: written with the record, in one script. */
  outcome?: Buffer;
  /** Set when the attempt failed before the flush: nothing to write. */
  dropped?: boolean;
  /** Set by the flush: from then on the outcome goes in a write of its own. */
  sent?: boolean;
}

/**
 * Records claimed under request leases, sent in batches every few ms rather than
 * one write (and one Redis wake-up) per call; an attempt that finished before its
 * batch left is written with its outcome in the same script. Each add's promise
 * settles with its record's write, so a lease is released only after it.
 */
export class WriteBehind {
  private queue: { record: BehindRecord; done: (result: Promise<unknown>) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly redis: RedisConnection) {}

  add(record: BehindRecord): Promise<unknown> {
    return new Promise<Promise<unknown>>((done) => {
      this.queue.push({ record, done });
      this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    }).then((written) => written);
  }

  /** Sends what is queued now (also on close: the connection's close waits for it). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.queue;
    this.queue = [];
    for (const { record, done } of due) {
      record.sent = true;
      if (record.dropped) done(Promise.resolve(0));
      // Deferred: a close() of the connection still sends and awaits it.
      else done(this.redis.evalSoon(RECORD, record.keys, [...record.args, record.outcome ?? ""]));
    }
  }
}
