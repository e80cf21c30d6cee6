import { ToolBridgeError } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { IdempotencyCache } from "./idempotency.js";

const limits = { windowMs: 1000, maxEntries: 3, maxBytes: 100 };

describe("IdempotencyCache", () => {
  it("returns the first outcome within the window, forgets it after", async () => {
    let clock = 0;
    const cache = new IdempotencyCache<string>(
      limits,
      (v) => v.length,
      () => clock,
    );
    const first = Promise.resolve("one");
    cache.remember("s", "r", "tool", first);
    expect(cache.lookup("s", "r", "tool")).toBe(first);
    expect(cache.lookup("other", "r", "tool")).toBeUndefined();
    clock = 1001;
    expect(cache.lookup("s", "r", "tool")).toBeUndefined();
  });

  it("forgets failures so a retry can run", async () => {
    const cache = new IdempotencyCache<string>(limits, (v) => v.length);
    const failed = Promise.reject(new Error("rate limited"));
    cache.remember("s", "r", "tool", failed);
    await failed.catch(() => {});
    expect(cache.lookup("s", "r", "tool")).toBeUndefined();
  });

  it("refuses a request_id reused for another tool", () => {
    const cache = new IdempotencyCache<string>(limits, (v) => v.length);
    cache.remember("s", "r", "tool", Promise.resolve("x"));
    expect(() => cache.lookup("s", "r", "other")).toThrow(ToolBridgeError);
  });

  it("is bounded by count and by bytes, oldest first", async () => {
    const cache = new IdempotencyCache<string>(limits, (v) => v.length);
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
    expect(cache.lookup("s2", "bigger", "tool")).toBe(bigger);
  });

  it("drops a session's outcomes when it ends", () => {
    const cache = new IdempotencyCache<string>(limits, (v) => v.length);
    cache.remember("s", "r1", "tool", Promise.resolve("x"));
    cache.remember("t", "r1", "tool", Promise.resolve("x"));
    cache.dropSession("s");
    expect(cache.lookup("s", "r1", "tool")).toBeUndefined();
    expect(cache.lookup("t", "r1", "tool")).toBeDefined();
  });
});
