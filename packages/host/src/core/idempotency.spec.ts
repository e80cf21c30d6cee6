import { randomBytes, randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { encodeValue, ToolBridgeError } from "@toolbridge/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { must, until } from "../testing/deferred.js";
import { successResponse } from "./execute-response.js";
import { IdempotencyCache, keepAsIs, type OutcomeCodec } from "./idempotency.js";
import { PackedResponses } from "./packed-response.js";

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

  it("finds every entry while its columns grow and shrink back, and settles attempts that moved meanwhile", async () => {
    let clock = 0;
    const released: string[] = [];
    const codec: OutcomeCodec<string, string> = { ...byLength, release: (v) => released.push(v) };
    const cache = new IdempotencyCache<string>({ windowMs: 1000, maxEntries: 1e6, maxBytes: 1e9 }, codec, () => clock);
    const finishers: Array<(v: string) => void> = [];
    // Still running while 5,000 more entries make the columns grow (and move) several times.
    for (let i = 0; i < 10; i++) {
      cache.remember("s0", `running-${i}`, "tool", new Promise<string>((resolve) => finishers.push(resolve)));
    }
    for (let i = 0; i < 5000; i++) cache.remember(`s${i % 3}`, `r${i}`, `tool${i % 2}`, Promise.resolve(`v${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    for (const [i, finish] of finishers.entries()) finish(`late-${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.size).toBe(5010);
    await expect(cache.lookup("s0", "running-7", "tool")).resolves.toBe("late-7");
    await expect(cache.lookup("s1", "r4000", "tool0")).resolves.toBe("v4000");
    expect(() => cache.lookup("s1", "r4000", "tool1")).toThrow(ToolBridgeError);
    cache.dropSession("s2");
    expect(cache.lookup("s2", "r4001", "tool1")).toBeUndefined();
    expect(cache.size).toBe(5010 - 1666);
    // All expire; the next entry evicts them and the columns shrink back.
    clock = 1001;
    cache.remember("s9", "fresh", "tool", Promise.resolve("new"));
    expect(cache.size).toBe(1);
    expect(released).toHaveLength(5010);
    await expect(cache.lookup("s9", "fresh", "tool")).resolves.toBe("new");
    expect(cache.lookup("s0", "running-7", "tool")).toBeUndefined();
  });

  it("keeps a remembered small success in under 300 bytes of heap and buffers, request_id included", async () => {
    // Regression: an entry object, a packed-record object, the tool id string each request decodes
    // afresh and boxed numbers came to ~350 bytes of heap per remembered echo (bench memory-calls).
    const cache = new IdempotencyCache({ windowMs: 60_000, maxEntries: 1e6, maxBytes: 1e9 }, new PackedResponses());
    const prefix = randomUUID();
    const value = encodeValue("payload_12345");
    const remember = (i: number) => {
      const requestId = `${prefix}.${i.toString(36)}`;
      cache.remember(
        "session",
        requestId,
        "echo".slice(0),
        Promise.resolve(successResponse(value, requestId, 1.5, 0.1, 20, 1)),
      );
    };
    remember(-1);
    await new Promise((resolve) => setImmediate(resolve));
    const before = heapAndBuffersAfterGc();
    const n = 20_000;
    for (let i = 0; i < n; i++) remember(i);
    await new Promise((resolve) => setImmediate(resolve));
    const perEntry = (heapAndBuffersAfterGc() - before) / n;
    expect(cache.size).toBe(n + 1);
    expect(perEntry).toBeLessThan(300);
  });

  it("agrees with a plain model over random remembers, drops, expiries and lookups (index and links stay right)", async () => {
    type Op =
      | { kind: "remember"; session: number; request: number; tool: number }
      | { kind: "drop"; session: number }
      | { kind: "tick"; ms: number }
      | { kind: "lookup"; session: number; request: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("remember" as const),
          session: fc.nat(3),
          request: fc.nat(60),
          tool: fc.nat(1),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), session: fc.nat(3) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.nat(400) }) },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant("lookup" as const), session: fc.nat(3), request: fc.nat(60) }),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1000, maxLength: 3000 }), async (ops) => {
        let clock = 0;
        const cache = new IdempotencyCache<string>(
          { windowMs: 1000, maxEntries: 40, maxBytes: 1e9 },
          byLength,
          () => clock,
        );
        // The model: live entries oldest first.
        let model: { session: string; request: string; tool: string; value: string; expiresAt: number }[] = [];
        for (const [i, o] of ops.entries()) {
          if (o.kind === "remember") {
            const [session, request, tool] = [`s${o.session}`, `r${o.request}`, `t${o.tool}`];
            model = model.filter((e) => !(e.session === session && e.request === request));
            model.push({ session, request, tool, value: `v${i}`, expiresAt: clock + 1000 });
            model = model.filter((e) => e.expiresAt >= clock).slice(-40);
            cache.remember(session, request, tool, Promise.resolve(`v${i}`));
          } else if (o.kind === "drop") {
            model = model.filter((e) => e.session !== `s${o.session}`);
            cache.dropSession(`s${o.session}`);
          } else if (o.kind === "tick") {
            clock += o.ms;
          } else {
            const [session, request] = [`s${o.session}`, `r${o.request}`];
            const expected = model.find((e) => e.session === session && e.request === request && e.expiresAt >= clock);
            const found = cache.lookup(session, request, expected?.tool ?? "t0");
            expect(found === undefined ? undefined : await found).toBe(expected?.value);
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
        expect(cache.size).toBeGreaterThanOrEqual(model.filter((e) => e.expiresAt >= clock).length);
        expect(cache.size).toBeLessThanOrEqual(40);
      }),
      { numRuns: 40 },
    );
  });
});

/** Live heap bytes after a full GC (V8's gc(), made callable without starting node with --expose-gc). */
function heapUsedAfterGc(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

/** Live heap plus ArrayBuffer bytes after a full GC (records kept in buffers count too). */
function heapAndBuffersAfterGc(): number {
  return heapUsedAfterGc() + process.memoryUsage().arrayBuffers;
}

/** A promise the test rejects by hand. */
function rejectLater<T>(): { promise: Promise<T>; reject(error: unknown): void } {
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((_, r) => {
    reject = r;
  });
  return { promise, reject };
}
