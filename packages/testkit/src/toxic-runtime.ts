import type { Toxic } from "./toxic.js";

/** A piece of data in flight through one direction of a connection. */
export interface Chunk {
  readonly data: Buffer;
  /** performance.now() when the proxy read it; latency is measured from here, as in toxiproxy. */
  readonly arrivedAt: number;
}

export type Forward = (chunk: Chunk) => Promise<void>;

/** What a toxic may do to the connection it sits on. */
export interface LinkControl {
  /** Resolves once everything forwarded so far has been handed to the kernel. */
  flushed(): Promise<void>;
  /** Graceful close (FIN) of both sides. */
  close(): void;
  /** Abrupt close (TCP RST) of both sides. */
  reset(): void;
}

/** One toxic active on one direction of one connection, with its own state (timers, byte counts). */
export interface ToxicRuntime {
  /** Passes a chunk on to `next`: possibly delayed, split, held or cut short. */
  pipe(chunk: Chunk, next: Forward): Promise<void>;
  /** The toxic was removed or the connection closed: drop timers, release held data. */
  stop(): void;
}

/**
 * Pause between delivering reset_peer's last allowed bytes and the RST: Linux reports a RST that
 * lands on top of still unread data as a plain EOF, so the peer gets a moment to read them first
 * and then sees ECONNRESET.
 */
const RESET_SETTLE_MS = 50;

export function createToxicRuntime(toxic: Toxic, link: LinkControl): ToxicRuntime {
  const a = toxic.attributes;
  switch (toxic.type) {
    case "latency":
      return latency(a.latency ?? 0, a.jitter ?? 0);
    case "bandwidth":
      return bandwidth(a.rate ?? 0);
    case "timeout":
      return timeout(a.timeout ?? 0, link);
    case "reset_peer":
      return a.bytes === undefined
        ? afterDelay(a.timeout ?? 0, () => link.reset())
        : afterBytes(a.bytes, RESET_SETTLE_MS, link, () => link.reset());
    case "slicer":
      return slicer(a.average_size ?? 1, a.size_variation ?? 0, a.delay ?? 0);
    case "limit_data":
      return afterBytes(a.bytes ?? 0, 0, link, () => link.close());
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function uniform(center: number, spread: number): number {
  return spread > 0 ? center + (Math.random() * 2 - 1) * spread : center;
}

function latency(ms: number, jitter: number): ToxicRuntime {
  const stopped = new AbortController();
  return {
    async pipe(chunk, next) {
      const due = chunk.arrivedAt + uniform(ms, jitter);
      await sleep(due - performance.now(), stopped.signal);
      await next(chunk);
    },
    stop: () => stopped.abort(),
  };
}

function bandwidth(kilobytesPerSecond: number): ToxicRuntime {
  const stopped = new AbortController();
  // As toxiproxy: 1 KB/s = 1 byte/ms, sent in pieces of at most 100 ms worth so that slow
  // rates still trickle rather than stall.
  const pieceSize = Math.max(1, Math.floor(kilobytesPerSecond * 100));
  return {
    async pipe(chunk, next) {
      if (kilobytesPerSecond <= 0) return next(chunk);
      for (let offset = 0; offset < chunk.data.length; offset += pieceSize) {
        if (stopped.signal.aborted) return next({ ...chunk, data: chunk.data.subarray(offset) });
        const data = chunk.data.subarray(offset, offset + pieceSize);
        await sleep(data.length / kilobytesPerSecond, stopped.signal);
        await next({ ...chunk, data });
      }
    },
    stop: () => stopped.abort(),
  };
}

/**
 * Unlike toxiproxy, which drops the data, held data is released when the toxic is removed: a
 * healed network partition delivers what TCP retransmitted, so the stream stays intact.
 */
function timeout(ms: number, link: LinkControl): ToxicRuntime {
  const released = new AbortController();
  const timer = ms > 0 ? setTimeout(() => link.close(), ms) : undefined;
  return {
    async pipe(chunk, next) {
      if (!released.signal.aborted) {
        await new Promise((resolve) => released.signal.addEventListener("abort", resolve, { once: true }));
      }
      await next(chunk);
    },
    stop() {
      clearTimeout(timer);
      released.abort();
    },
  };
}

function afterDelay(ms: number, action: () => void): ToxicRuntime {
  const timer = setTimeout(action, ms);
  return { pipe: (chunk, next) => next(chunk), stop: () => clearTimeout(timer) };
}

/** Lets exactly `limit` bytes through (counted from activation), then runs `action` once, `settleMs` later. */
function afterBytes(limit: number, settleMs: number, link: LinkControl, action: () => void): ToxicRuntime {
  if (limit === 0) return afterDelay(0, action);
  const stopped = new AbortController();
  let passed = 0;
  return {
    async pipe(chunk, next) {
      const remaining = limit - passed;
      if (remaining <= 0) return;
      if (chunk.data.length < remaining) {
        passed += chunk.data.length;
        return next(chunk);
      }
      passed = limit;
      await next({ ...chunk, data: chunk.data.subarray(0, remaining) });
      // Let the last allowed bytes leave before the connection is cut.
      await link.flushed();
      await sleep(settleMs, stopped.signal);
      if (!stopped.signal.aborted) action();
    },
    stop: () => stopped.abort(),
  };
}

function slicer(averageSize: number, variation: number, delayMicros: number): ToxicRuntime {
  const stopped = new AbortController();
  return {
    async pipe(chunk, next) {
      let offset = 0;
      while (offset < chunk.data.length) {
        if (stopped.signal.aborted) return next({ ...chunk, data: chunk.data.subarray(offset) });
        const size = Math.max(1, Math.round(uniform(averageSize, variation)));
        await next({ ...chunk, data: chunk.data.subarray(offset, offset + size) });
        offset += size;
        if (offset < chunk.data.length) await sleep(delayMicros / 1000, stopped.signal);
      }
    },
    stop: () => stopped.abort(),
  };
}
