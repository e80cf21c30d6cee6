// The SessionStore contract, run against both stores, plus what only a shared store
// promises (two store instances stand for two hosts pointing at the same server).
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import {
  ExecuteToolResponseSchema,
  encodeValue,
  VariableChangeType,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/scale-out/redis-server.js";
import { deferred, must, until } from "../testing/deferred.js";
import { rejection, sessionStoreContract } from "../testing/session-store-contract.js";
import { MemorySessionStore } from "./memory.js";
import { RedisSessionStore } from "./redis/store.js";
import type { SessionStore } from "./types.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

sessionStoreContract("memory", (limits) => new MemorySessionStore(limits));
// A key prefix per store: the live-session cap of one test does not count another's sessions.
let n = 0;
const redisStore = (limits: { maxSessions: number; maxWatchBacklog: number }) =>
  RedisSessionStore.connect({ url: redis.url, keyPrefix: `c${n++}:`, ...limits });
sessionStoreContract("redis", redisStore);
sharedStoreContract("redis", async (limits) => {
  const keyPrefix = `s${n++}:`;
  return [
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
    await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...limits }),
  ];
});

export interface SharedStoreLimits {
  maxSessions: number;
  maxWatchBacklog: number;
  idleTtlMs?: number;
}

/** `makePair` opens two instances of the store on the same shared state. */
export function sharedStoreContract(
  name: string,
  makePair: (limits: SharedStoreLimits) => Promise<[SessionStore, SessionStore]>,
): void {
  describe(`shared SessionStore: ${name}`, () => {
    let a: SessionStore;
    let b: SessionStore;
    let sid: string;
    beforeEach(async () => {
      [a, b] = await makePair({ maxSessions: 100, maxWatchBacklog: 1000 });
      sid = `shared-${randomUUID().slice(0, 8)}`;
      await a.createSession(sid, { metadata: { from: "a" } });
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it("a session created on one instance is served by the other", async () => {
      expect((await b.getSession(sid)).metadata).toEqual({ from: "a" });
      expect((await rejection(b.createSession(sid, {}))).code).toBe("AlreadyExists");
      await b.setVariable(sid, { name: "x", value: encodeValue(1) });
      expect(must((await a.getVariable(sid, "x")).metadata).version).toBe(1n);
      expect(await a.countSessions()).toBe(await b.countSessions());
    });

    it("a watcher on one instance sees every write made on the other, in version order", async () => {
      await a.setVariable(sid, { name: "n", value: encodeValue(0) });
      const controller = new AbortController();
      const watch = await a.watchVariables(sid, { includeInitial: true, signal: controller.signal });
      // Writers on both instances at once: versions are assigned in one place.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setVariable(sid, { name: "n", value: encodeValue(i) })),
      );
      const versions: bigint[] = [];
      for await (const event of watch) {
        versions.push(must(event.variable?.metadata).version);
        if (versions.length === 21) controller.abort();
      }
      expect(versions).toEqual(Array.from({ length: 21 }, (_, i) => BigInt(i + 1)));
    });

    it("include_initial while another instance writes: no gap, no duplicate", async () => {
      const writes = (async () => {
        for (let i = 1; i <= 40; i++) await b.setVariable(sid, { name: `v${i % 4}`, value: encodeValue(i) });
      })();
      await new Promise((resolve) => setTimeout(resolve, 2));
      const controller = new AbortController();
      const watch = await a.watchVariables(sid, { includeInitial: true, signal: controller.signal });
      await writes;
      await b.setVariable(sid, { name: "end", value: encodeValue(0) });
      const last = new Map<string, bigint>();
      for await (const event of watch) {
        const v = must(event.variable);
        const version = must(v.metadata).version;
        if (v.name === "end") break;
        // Each variable's versions follow one another without a hole or a repeat.
        const previous = last.get(v.name);
        if (previous !== undefined) expect(version).toBe(previous + 1n);
        last.set(v.name, version);
      }
      controller.abort();
      expect([...last.entries()].sort()).toEqual([
        ["v0", 10n],
        ["v1", 10n],
        ["v2", 10n],
        ["v3", 10n],
      ]);
    });

    it("cleanup on one instance: SessionExpired, end notice and ended watchers on the other", async () => {
      const ended = new Promise<string>((resolve) => a.onSessionEnded((id, reason) => resolve(`${id}:${reason}`)));
      const watch = await a.watchVariables(sid, {});
      expect(await b.cleanupSession(sid)).toEqual({ variablesRemoved: 0, toolsRemoved: 0 });
      expect(await ended).toBe(`${sid}:cleanup`);
      const events: WatchVariablesResponse[] = [];
      for await (const event of watch) events.push(event);
      expect(events).toEqual([]);
      expect((await rejection(a.touchSession(sid))).code).toBe("SessionExpired");
      expect((await rejection(a.getSession(`${sid}-never`))).code).toBe("SessionNotFound");
    });

    it("a request_id repeated on the other instance gets the first outcome, even while it runs", async () => {
      const ledgerA = must(a.requests);
      const ledgerB = must(b.requests);
      let runs = 0;
      const finish = deferred();
      const first = ledgerA.once(
        sid,
        "req-1",
        "tool",
        60_000,
        () => false,
        async () => {
          runs++;
          await finish.promise;
          return create(ExecuteToolResponseSchema, { success: true, requestId: "req-1" });
        },
      );
      await until(() => runs === 1);
      const repeat = ledgerB.once(
        sid,
        "req-1",
        "tool",
        60_000,
        () => false,
        async () => {
          runs++;
          return create(ExecuteToolResponseSchema, { success: false });
        },
      );
      // Released only once the repeat is waiting on the running record.
      await new Promise((resolve) => setTimeout(resolve, 20));
      finish.resolve();
      expect((await first).success).toBe(true);
      expect((await repeat).success).toBe(true);
      expect(runs).toBe(1);
      const other = await rejection(
        ledgerB.once(
          sid,
          "req-1",
          "other",
          60_000,
          () => false,
          async () => create(ExecuteToolResponseSchema),
        ),
      );
      expect(other.code).toBe("InvalidArgument");
    });

    it("a first attempt that fails before running is forgotten: the retry elsewhere runs", async () => {
      const ledgerA = must(a.requests);
      const ledgerB = must(b.requests);
      await expect(
        ledgerA.once(
          sid,
          "req-2",
          "tool",
          60_000,
          () => false,
          () => Promise.reject(new Error("refused")),
        ),
      ).rejects.toThrow("refused");
      await new Promise((resolve) => setTimeout(resolve, 20));
      const retry = await ledgerB.once(
        sid,
        "req-2",
        "tool",
        60_000,
        () => false,
        async () => create(ExecuteToolResponseSchema, { success: true }),
      );
      expect(retry.success).toBe(true);
    });

    it("rate-limit buckets are shared", async () => {
      const bucket = `s:${sid}`;
      expect(await must(a.rateLimits).take(bucket, 60, 2)).toBe(0);
      expect(await must(b.rateLimits).take(bucket, 60, 2)).toBe(0);
      expect(await must(a.rateLimits).take(bucket, 60, 2)).toBeGreaterThan(0);
    });

    it("idle expiry: SessionExpired everywhere and an expired notice on every instance", async () => {
      const short = `${sid}-idle`;
      await a.createSession(short, { idleTtlMs: 50 });
      const heard = new Promise<string>((resolve) =>
        b.onSessionEnded((id, reason) => {
          if (id === short) resolve(reason);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect((await rejection(b.getSession(short))).code).toBe("SessionExpired");
      expect(await heard).toBe("expired");
      expect((await rejection(a.getSession(short))).code).toBe("SessionExpired");
    });

    it("watch events carry their change type across instances", async () => {
      const controller = new AbortController();
      const watch = await a.watchVariables(sid, { names: ["d"], signal: controller.signal });
      await b.setVariable(sid, { name: "d", value: encodeValue(1) });
      await b.deleteVariable(sid, "d");
      const seen: string[] = [];
      for await (const event of watch) {
        seen.push(VariableChangeType[event.changeType]);
        if (seen.length === 2) controller.abort();
      }
      expect(seen).toEqual(["SET", "DELETED"]);
    });
  });
}

describe("RedisSessionStore idle expiry", () => {
  it("a session with calls in flight on this host is kept alive past its idle TTL", async () => {
    let busy = true;
    const store = await RedisSessionStore.connect({
      url: redis.url,
      keyPrefix: `busy${n++}:`,
      sweepIntervalMs: 20,
      isBusy: () => busy,
    });
    try {
      await store.createSession("long-call", { idleTtlMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await store.getSession("long-call")).id).toBe("long-call");
      busy = false;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await rejection(store.getSession("long-call"))).code).toBe("SessionExpired");
    } finally {
      await store.close();
    }
  });
});
