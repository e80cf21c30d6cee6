/** An entry of the queue: when it is due and what to run then. */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  queued: boolean;
}

/**
 * Deadlines of running calls, ordered by time, behind one Node timer armed for the
 * earliest. A setTimeout/clearTimeout pair per call costs more than the rest of a
 * call's bookkeeping; here adding a deadline is a link at (or near) the tail, since
 * calls mostly arrive in deadline order, and removing one is an unlink. The timer
 * is armed again only when a new deadline is the earliest; it keeps the process
 * alive only while some deadline is queued, as the per-call timers did.
 */
export class DeadlineQueue {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  add(at: number, expire: () => void): Deadline {
    const entry: Deadline = { at, expire, prev: undefined, next: undefined, queued: true };
    let after = this.tail;
    while (after !== undefined && after.at > at) after = after.prev;
    entry.prev = after;
    entry.next = after ? after.next : this.head;
    if (entry.next) entry.next.prev = entry;
    else this.tail = entry;
    if (after) after.next = entry;
    else this.head = entry;
    if (this.head === entry) this.arm(at);
    if (this.head === entry && entry.next === undefined) this.timer?.ref();
    return entry;
  }

  remove(entry: Deadline): void {
    if (!entry.queued) return;
    entry.queued = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = undefined;
    // The timer stays armed for the removed head: it finds nothing due and re-arms (cheaper than clearing now).
    if (this.head === undefined) this.timer?.unref();
  }

  private arm(at: number): void {
    if (at >= this.armedAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - this.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (let due = this.head; due !== undefined && due.at <= now; due = this.head) {
      this.remove(due);
      due.expire();
    }
    // A timer may fire a little before Date.now() reaches its deadline: then it is armed again for the rest.
    if (this.head !== undefined) this.arm(this.head.at);
  };
}
