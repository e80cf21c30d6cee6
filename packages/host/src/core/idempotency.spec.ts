import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ToolBridgeError } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { must, until } from "../testing/deferred.js";
import { IdempotencyCache, keepAsIs, type OutcomeCodec } from "./idempotency.js";

const limits = { windowMs: 1000, maxEntries: 3, maxBytes: 100 };
const byLength = keepAsIs((v: string) => v.length);

describe("IdempotencyCache", () => {
  it("returns the first outcome within the window, forgets it after", async () => {
    let clock = 0;
    const cache = new IdempotencyCache<string>(limits, byLength, () => clock);
    const first = Promise.resolve("one");
    cache.remember("s", "r", "tool", first);
    expect(cache.lookup("s", "r", "tool")).toBe(first);
    expect(cache.lookup("other", "r", "tool")).toBeUndefined();
    clock = 1001;
    expect(cache.lookup("s", "r", "tool")).toBeUndefined();
  });

  it("forgets failures so a retry can run", async () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    const failed = Promise.reject(new Error("rate limited"));
    cache.remember("s", "r", "tool", failed);
    await failed.catch(() => {});
    expect(cache.lookup("s", "r", "tool")).toBeUndefined();
  });

  it("refuses a request_id reused for another tool", () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    cache.remember("s", "r", "tool", Promise.resolve("x"));
    expect(() => cache.lookup("s", "r", "other")).toThrow(ToolBridgeError);
  });

  it("is bounded by count and by bytes, oldest first", async () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    for (const r of ["a", "b", "c", "d"]) cache.remember("s", r, "tool", Promise.resolve("x"));
    expect(cache.size).toBe(3);
    expect(cache.lookup("s", "a", "tool")).toBeUndefined();
    const big = Promise.resolve("y".repeat(90));
    cache.remember("s2", "big", "tool", big);
    const bigger = Promise.resolve("z".repeat(50));
    cache.remember("s2", "bigger", "tool", bigger);
    await Promise.all([big, bigger]);
    await Promise.resolve();
    expect(cache.lookup("s2", "big", "tool")).toBeUndefined();
    await expect(cache.lookup("s2", "bigger", "tool")).resolves.toBe("z".repeat(50));
  });

  it("shares the running call, then keeps only the packed record and sizes that", async () => {
    const packed: string[] = [];
    const codec: OutcomeCodec<{ text: string }, string> = {
      pack: (v) => {
        packed.push(v.text);
        return v.text;
      },
      unpack: (text) => ({ text }),
      sizeOf: (text) => text.length * 10,
    };
    const cache = new IdempotencyCache(limits, codec);
    let finish: (v: { text: string }) => void = () => {};
    const running = new Promise<{ text: string }>((resolve) => {
      finish = resolve;
    });
    cache.remember("s", "r", "tool", running);
    expect(cache.lookup("s", "r", "tool")).toBe(running);
    finish({ text: "done" });
    await running;
    await Promise.resolve();
    expect(packed).toEqual(["done"]);
    await expect(cache.lookup("s", "r", "tool")).resolves.toEqual({ text: "done" });
    // 11 chars x 10 exceeds the 100-byte bound: remembered while running, gone once packed.
    const big = Promise.resolve({ text: "x".repeat(11) });
    cache.remember("s", "big", "tool", big);
    expect(cache.lookup("s", "big", "tool")).toBe(big);
    await big;
    await Promise.resolve();
    expect(cache.lookup("s", "big", "tool")).toBeUndefined();
  });

  it("stays bounded over many outcomes and across dropped sessions", async () => {
    const cache = new IdempotencyCache<string>({ windowMs: 1000, maxEntries: 3, maxBytes: 1000 }, byLength);
    for (let i = 0; i < 3000; i++) cache.remember(`s${i % 2}`, `r${i}`, "tool", Promise.resolve(`v${i}`));
    expect(cache.size).toBe(3);
    expect(cache.lookup("s0", "r2996", "tool")).toBeUndefined();
    await expect(cache.lookup("s1", "r2997", "tool")).resolves.toBe("v2997");
    cache.dropSession("s1");
    expect(cache.size).toBe(1);
    expect(cache.lookup("s1", "r2999", "tool")).toBeUndefined();
    await expect(cache.lookup("s0", "r2998", "tool")).resolves.toBe("v2998");
    cache.remember("s1", "r2999", "tool", Promise.resolve("again"));
    expect(cache.size).toBe(2);
    await expect(cache.lookup("s1", "r2999", "tool")).resolves.toBe("again");
  });

  it("once: repeats share the running attempt and its outcome; the tool runs once", async () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    let runs = 0;
    let finish: (v: string) => void = () => {};
    const run = () => {
      runs++;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const first = cache.once("s", "r", "tool", () => false, run);
    const repeat = cache.once("s", "r", "tool", () => false, run);
    finish("done");
    expect(await Promise.all([first, repeat])).toEqual(["done", "done"]);
    await expect(cache.once("s", "r", "tool", () => false, run)).resolves.toBe("done");
    expect(runs).toBe(1);
  });

  it("once: when the first caller cancels, a waiting repeat takes over and the others share its outcome", async () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    const attempts: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
    const run = () => new Promise<string>((resolve, reject) => attempts.push({ resolve, reject }));
    const first = cache.once("s", "r", "tool", () => true, run);
    const waiters = [cache.once("s", "r", "tool", () => false, run), cache.once("s", "r", "tool", () => false, run)];
    expect(attempts).toHaveLength(1);
    const cancelled = new ToolBridgeError("Cancelled", "call cancelled");
    must(attempts[0]).reject(cancelled);
    await expect(first).rejects.toBe(cancelled);
    await until(() => attempts.length === 2);
    must(attempts[1]).resolve("second");
    expect(await Promise.all(waiters)).toEqual(["second", "second"]);
    expect(attempts).toHaveLength(2);
  });

  it("once: a waiter cancelled itself does not take over, it fails with the first attempt's error", async () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    let runs = 0;
    const limited = new ToolBridgeError("RateLimitExceeded", "rate limited");
    const failing = () => {
      runs++;
      return Promise.reject(limited);
    };
    const attempt = rejectLater<string>();
    const first = cache.once(
      "s",
      "r",
      "tool",
      () => false,
      () => attempt.promise,
    );
    const waiter = cache.once("s", "r", "tool", () => true, failing);
    attempt.reject(limited);
    await expect(first).rejects.toBe(limited);
    await expect(waiter).rejects.toBe(limited);
    expect(runs).toBe(0);
  });

  it("drops a session's outcomes when it ends", () => {
    const cache = new IdempotencyCache<string>(limits, byLength);
    cache.remember("s", "r1", "tool", Promise.resolve("x"));
    cache.remember("t", "r1", "tool", Promise.resolve("x"));
    cache.dropSession("s");
    expect(cache.lookup("s", "r1", "tool")).toBeUndefined();
    expect(cache.lookup("t", "r1", "tool")).toBeDefined();
  });

  it("lets go of expired entries at once, not when the queue is next compacted", async () => {
    // Regression: evicted entries stayed in the queue (with their ids) for up to one more window,
    // which the soak saw as RSS creeping for minutes. Ids of 8 KB make ~40 MB of retained strings visible.
    let clock = 0;
    const cache = new IdempotencyCache<string>(
      { windowMs: 1000, maxEntries: 1e6, maxBytes: 1e9 },
      byLength,
      () => clock,
    );
    const heapBefore = heapUsedAfterGc();
    for (let i = 0; i < 5000; i++) cache.remember("s", randomBytes(4096).toString("hex"), "tool", Promise.resolve("x"));
    clock = 600;
    // Younger entries keep the consumed front shorter than half the queue: no compaction.
    for (let i = 0; i < 6000; i++) cache.remember("s", `young-${i}`, "tool", Promise.resolve("x"));
    clock = 1001;
    cache.remember("s", "trigger", "tool", Promise.resolve("x"));
    // Settling callbacks still queued would hold every entry.
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.size).toBe(6001);
    const retainedMb = (heapUsedAfterGc() - heapBefore) / 2 ** 20;
    // The 6,001 live entries take a few MB; the 5,000 expired ones would add ~40 MB.
    expect(retainedMb).toBeLessThan(20);
  });
});

/** Live heap bytes after a full GC (V8's gc(), made callable without starting node with --expose-gc). */
function heapUsedAfterGc(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

/** A promise the test rejects by hand. */
function rejectLater<T>(): { promise: Promise<T>; reject(error: unknown): void } {
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((_, r) => {
    reject = r;
  });
  return { promise, reject };
}
