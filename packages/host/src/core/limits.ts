import { hostError } from "../errors.js";

/**
 * Concurrency limit with a bounded wait queue: `acquire` resolves when a slot
 * is free, fails with ResourceExhausted when the queue is full, and gives up its
 * place if the signal aborts while waiting.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    readonly limit: number,
    readonly maxQueued: number,
    private readonly label: string,
  ) {}

  /** A slot right now, without waiting; false when none is free. */
  tryAcquire(): boolean {
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active++;
      return true;
    }
    return false;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(
        hostError("ResourceExhausted", `${this.label}: ${this.limit} calls running and ${this.maxQueued} waiting`, {
          max_concurrent_calls: String(this.limit),
          max_queued_calls: String(this.maxQueued),
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.active--;
  }
}

/**
 * Token bucket: `capacity` calls at once, refilled at `perMinute` a minute.
 * `take` returns 0 when a token was taken, else how many ms until one is free.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    readonly capacity: number = perMinute,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
    this.perMs = perMinute / 60_000;
  }

  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
  }
}
