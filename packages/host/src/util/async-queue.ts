import { ToolBridgeError } from "@toolbridge/protocol";

/**
 * A push-to-pull queue: producers push synchronously (so the order of pushes is
 * the order of delivery), one consumer reads with `for await`. Bounded: when a
 * slow consumer lets `maxSize` items pile up, the queue fails with
 * ResourceExhausted instead of growing without limit.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiter: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiter: ((error: unknown) => void) | undefined;
  private ended = false;
  private failure: unknown;
  private readonly onClose: (() => void) | undefined;

  constructor(
    private readonly maxSize: number,
    onClose?: () => void,
  ) {
    this.onClose = onClose;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      this.failWaiter = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.size >= this.maxSize) {
      this.fail(
        new ToolBridgeError("ResourceExhausted", `consumer fell behind by more than ${this.maxSize} items`, {
          details: { max_queued: String(this.maxSize) },
        }),
      );
      return;
    }
    this.items.push(item);
  }

  /** Ends the queue after the items already pushed. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.settleWaiter();
  }

  /** Ends the queue with an error, raised once the pushed items are read. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.items.length = 0;
    this.head = 0;
    this.settleWaiter();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head] as T;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return this.finish();
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.ended = true;
    this.items.length = 0;
    this.head = 0;
    this.failure = undefined;
    this.closeOnce();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): Promise<IteratorResult<T>> {
    this.closeOnce();
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  private settleWaiter(): void {
    if (!this.waiter) return;
    const resolve = this.waiter;
    const reject = this.failWaiter;
    this.waiter = undefined;
    this.failWaiter = undefined;
    this.closeOnce();
    if (this.failure !== undefined && reject) {
      const failure = this.failure;
      this.failure = undefined;
      reject(failure);
    } else {
      resolve({ value: undefined, done: true });
    }
  }

  private closed = false;
  private closeOnce(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
  }
}
