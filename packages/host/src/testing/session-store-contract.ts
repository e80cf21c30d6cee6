// The behaviour every SessionStore must have (counterpart of the spec's SessionStore test plus issue 5),
// and what a store several hosts share promises besides (sharedStoreContract).
// Run it against an implementation with: sessionStoreContract("Redis", (limits) => new RedisSessionStore(...)).
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import {
  decodeValue,
  ExecuteToolResponseSchema,
  encodeValue,
  ToolBridgeError,
  ToolSpecSchema,
  VariableChangeType,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionStore } from "../store/types.js";
import { deferred, must, until } from "./deferred.js";

/** Limits the contract needs the store under test to apply. */
export interface ContractLimits {
  maxSessions: number;
  maxWatchBacklog: number;
  /** Only the variable-budget tests set these; other tests get the store's defaults. */
  maxVariablesPerSession?: number;
  maxVariableBytesPerSession?: number;
}

const spec = (toolId: string, name: string) => create(ToolSpecSchema, { toolId, name });

/** The versions of a watch's first `count` events; then the watch is aborted. */
async function firstVersions(
  watch: AsyncIterable<WatchVariablesResponse>,
  count: number,
  controller: AbortController,
): Promise<bigint[]> {
  const versions: bigint[] = [];
  for await (const event of watch) {
    versions.push(must(event.variable?.metadata).version);
    if (versions.length === count) controller.abort();
  }
  return versions;
}

export async function rejection(promise: Promise<unknown>): Promise<ToolBridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolBridgeError) return error;
    throw error;
  }
  throw new Error("expected a ToolBridgeError");
}

export function sessionStoreContract(
  name: string,
  makeStore: (limits: ContractLimits) => SessionStore | Promise<SessionStore>,
): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    // Ids unique per test, so stores shared between runs (Redis) do not collide.
    let id: (name: string) => string;
    beforeEach(async () => {
      const prefix = randomUUID().slice(0, 8);
      id = (n) => `${prefix}-${n}`;
      store = await makeStore({ maxSessions: 3, maxWatchBacklog: 100 });
    });
    afterEach(() => store.close());

    describe("session management", () => {
      it("creates and retrieves session", async () => {
        const session = await store.createSession(id("test_123"), { metadata: { k: "v" } });
        expect(session.id).toBe(id("test_123"));
        const retrieved = await store.getSession(id("test_123"));
        expect(retrieved.id).toBe(id("test_123"));
        expect(retrieved.metadata).toEqual({ k: "v" });
      });

      it("handles non-existent session", async () => {
        expect((await rejection(store.getSession(id("missing")))).code).toBe("SessionNotFound");
      });

      it("prevents duplicate sessions", async () => {
        await store.createSession(id("dup_123"), {});
        const error = await rejection(store.createSession(id("dup_123"), {}));
        expect(error.code).toBe("AlreadyExists");
        expect(error.details.session_id).toBe(id("dup_123"));
      });

      it("caps live sessions with ResourceExhausted", async () => {
        for (const n of ["a", "b", "c"]) await store.createSession(id(n), {});
        expect((await rejection(store.createSession(id("d"), {}))).code).toBe("ResourceExhausted");
        await store.cleanupSession(id("a"));
        await store.createSession(id("d"), {});
        expect(await store.countSessions()).toBe(3);
      });
    });

    describe("tool management", () => {
      beforeEach(async () => {
        await store.createSession(id("session_123"), {});
      });

      it("registers tools for session", async () => {
        await store.registerTools(id("session_123"), [spec("tool_1", "search"), spec("tool_2", "calculate")]);
        expect((await store.getTool(id("session_123"), "tool_1")).name).toBe("search");
        expect((await store.getTool(id("session_123"), "calculate")).toolId).toBe("tool_2");
        expect((await store.listTools(id("session_123"))).map((t) => t.name).sort()).toEqual(["calculate", "search"]);
        const duplicate = await rejection(store.registerTools(id("session_123"), [spec("tool_3", "search")]));
        expect(duplicate.code).toBe("AlreadyExists");
      });

      it("unregisters tools", async () => {
        await store.registerTools(id("session_123"), [spec("tool_1", "search"), spec("tool_2", "calculate")]);
        expect(await store.unregisterTools(id("session_123"), ["search", "nope"])).toBe(1);
        expect((await rejection(store.getTool(id("session_123"), "search"))).code).toBe("ToolNotFound");
      });

      it("isolation between sessions", async () => {
        await store.registerTools(id("session_123"), [spec("tool_1", "search")]);
        await store.createSession(id("session_456"), {});
        expect((await rejection(store.getTool(id("session_456"), "tool_1"))).code).toBe("ToolNotFound");
        await store.setVariable(id("session_123"), { name: "secret", value: encodeValue("s") });
        expect((await rejection(store.getVariable(id("session_456"), "secret"))).code).toBe("VariableNotFound");
      });
    });

    describe("variable management", () => {
      beforeEach(async () => {
        await store.createSession(id("session_123"), {});
      });

      it("sets and gets variables", async () => {
        await store.setVariable(id("session_123"), { name: "threshold", value: encodeValue(0.95) });
        const variable = await store.getVariable(id("session_123"), "threshold");
        expect(decodeValue(must(variable.value))).toBe(0.95);
      });

      it("variable metadata", async () => {
        const first = await store.setVariable(id("session_123"), {
          name: "score",
          value: encodeValue(85.5),
          type: "float",
          createdBy: "elixir",
          tags: ["a"],
          description: "a score",
        });
        expect(must(first.metadata).version).toBe(1n);
        const second = await store.setVariable(id("session_123"), {
          name: "score",
          value: encodeValue(90.5),
          createdBy: "ts",
        });
        expect(decodeValue(must(second.value))).toBe(90.5);
        const meta = must(second.metadata);
        expect(meta).toMatchObject({
          type: "float",
          createdBy: "elixir",
          tags: ["a"],
          version: 2n,
          description: "a score",
        });
        const ms = (t: typeof meta.createdAt) => Number(must(t).seconds) * 1000 + must(t).nanos / 1e6;
        expect(ms(meta.updatedAt)).toBeGreaterThanOrEqual(ms(meta.createdAt));
        expect(ms(meta.createdAt)).toBe(ms(first.metadata?.createdAt));
      });

      it("optimistic concurrency: a stale expected version is a Conflict", async () => {
        const s = id("session_123");
        await store.setVariable(s, { name: "v", value: encodeValue(1), expectedVersion: 0n });
        const stale = await rejection(store.setVariable(s, { name: "v", value: encodeValue(2), expectedVersion: 0n }));
        expect(stale.code).toBe("Conflict");
        await store.setVariable(s, { name: "v", value: encodeValue(2), expectedVersion: 1n });
        const conflict = await rejection(store.deleteVariable(s, "v", 1n));
        expect(conflict.code).toBe("Conflict");
        expect(conflict.details.actual_version).toBe("2");
        expect(await store.deleteVariable(s, "v", 2n)).toBe(true);
        expect(await store.deleteVariable(s, "v")).toBe(false);
        expect((await rejection(store.getVariable(s, "v"))).code).toBe("VariableNotFound");
      });

      it("lists by prefix and tags, a page at a time", async () => {
        const s = id("session_123");
        for (let i = 0; i < 7; i++) {
          await store.setVariable(s, {
            name: `cfg.${i}`,
            value: encodeValue(i),
            tags: i % 2 === 0 ? ["even"] : ["odd"],
          });
        }
        await store.setVariable(s, { name: "other", value: encodeValue(0), tags: ["even"] });
        const names: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
          const page = await store.listVariables(s, { prefix: "cfg.", tags: ["even"], limit: 2, cursor });
          names.push(...page.variables.map((v) => v.name));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== "");
        expect(names).toEqual(["cfg.0", "cfg.2", "cfg.4", "cfg.6"]);
        expect(pages).toBe(2);
      });

      it("watch: initial values then every change of matching names, in order", async () => {
        const s = id("session_123");
        await store.setVariable(s, { name: "a.1", value: encodeValue(1) });
        await store.setVariable(s, { name: "b", value: encodeValue(1) });
        const controller = new AbortController();
        const watch = await store.watchVariables(s, {
          prefix: "a.",
          names: ["c"],
          includeInitial: true,
          signal: controller.signal,
        });
        await store.setVariable(s, { name: "b", value: encodeValue(2) });
        await store.setVariable(s, { name: "c", value: encodeValue(3) });
        await store.setVariable(s, { name: "a.1", value: encodeValue(4) });
        await store.deleteVariable(s, "c");
        const seen: string[] = [];
        for await (const event of watch) {
          const variable = must(event.variable);
          seen.push(`${VariableChangeType[event.changeType]}:${variable.name}@${must(variable.metadata).version}`);
          if (seen.length === 4) controller.abort();
        }
        expect(seen).toEqual(["INITIAL:a.1@1", "SET:c@1", "SET:a.1@2", "DELETED:c@1"]);
      });

      it("50 concurrent writers on one variable: the watcher sees every version in order", async () => {
        const s = id("session_123");
        await store.setVariable(s, { name: "counter", value: encodeValue(0) });
        const controller = new AbortController();
        const watch = await store.watchVariables(s, { names: ["counter"], signal: controller.signal });
        const writers = Array.from({ length: 50 }, (_, i) =>
          store.setVariable(s, { name: "counter", value: encodeValue(i + 1) }),
        );
        const written = await Promise.all(writers);
        expect(new Set(written.map((v) => must(v.metadata).version)).size).toBe(50);
        const versions = await firstVersions(watch, 50, controller);
        expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 2)));
      });

      it("a watcher that falls too far behind fails instead of growing", async () => {
        const s = id("session_123");
        const watch = await store.watchVariables(s, {});
        for (let i = 0; i < 150; i++) await store.setVariable(s, { name: "x", value: encodeValue(i) });
        const iterator = watch[Symbol.asyncIterator]();
        let error: ToolBridgeError | undefined;
        try {
          for (let i = 0; i < 151; i++) await iterator.next();
        } catch (e) {
          error = e as ToolBridgeError;
        }
        expect(error?.code).toBe("ResourceExhausted");
      });
    });

    describe("variable budget (count and bytes per session)", () => {
      // A second store with small budgets; the one of beforeEach is closed as usual.
      let small: SessionStore;
      beforeEach(async () => {
        small = await makeStore({
          maxSessions: 3,
          maxWatchBacklog: 100,
          maxVariablesPerSession: 3,
          maxVariableBytesPerSession: 4096,
        });
      });
      afterEach(() => small.close());

      it("a new variable past the count limit is ResourceExhausted naming the limit; updates and deletes free it", async () => {
        const s = id("count");
        await small.createSession(s, {});
        for (const name of ["a", "b", "c"]) await small.setVariable(s, { name, value: encodeValue(1) });
        const error = await rejection(small.setVariable(s, { name: "d", value: encodeValue(1) }));
        expect(error.code).toBe("ResourceExhausted");
        expect(error.details).toMatchObject({ session_id: s, name: "d", max_variables_per_session: "3" });
        await small.setVariable(s, { name: "a", value: encodeValue(2) }); // an update adds no variable
        expect(await small.deleteVariable(s, "b")).toBe(true);
        await small.setVariable(s, { name: "d", value: encodeValue(1) });
        expect((await small.getSession(s)).variableCount).toBe(3);
        // The budget is per session.
        const other = id("count_other");
        await small.createSession(other, {});
        await small.setVariable(other, { name: "a", value: encodeValue(1) });
      });

      it("a write past the byte budget is ResourceExhausted and changes nothing; shrinking or deleting frees bytes", async () => {
        const s = id("bytes");
        await small.createSession(s, {});
        const big = encodeValue("x".repeat(1500));
        await small.setVariable(s, { name: "one", value: big });
        await small.setVariable(s, { name: "two", value: big });
        const error = await rejection(small.setVariable(s, { name: "three", value: big }));
        expect(error.code).toBe("ResourceExhausted");
        expect(error.details).toMatchObject({ session_id: s, name: "three", max_variable_bytes_per_session: "4096" });
        expect((await rejection(small.getVariable(s, "three"))).code).toBe("VariableNotFound");
        // Growing an existing variable past the budget fails too, and keeps the old value.
        const grow = await rejection(small.setVariable(s, { name: "two", value: encodeValue("y".repeat(3000)) }));
        expect(grow.code).toBe("ResourceExhausted");
        expect(decodeValue(must((await small.getVariable(s, "two")).value))).toBe("x".repeat(1500));
        await small.setVariable(s, { name: "one", value: encodeValue("small") });
        await small.setVariable(s, { name: "three", value: big });
        expect(await small.deleteVariable(s, "two")).toBe(true);
        expect(await small.deleteVariable(s, "three")).toBe(true);
        await small.setVariable(s, { name: "four", value: encodeValue("z".repeat(3500)) });
      });
    });

    describe("cleanup", () => {
      it("removes session and associated data; later calls get SessionExpired; watchers end", async () => {
        const s = id("cleanup_123");
        await store.createSession(s, {});
        await store.registerTools(s, [spec("t1", "tool")]);
        await store.setVariable(s, { name: "var", value: encodeValue("value") });
        const watch = await store.watchVariables(s, {});
        const ended: string[] = [];
        store.onSessionEnded((endedId, reason) => ended.push(`${endedId}:${reason}`));
        expect(await store.cleanupSession(s)).toEqual({ variablesRemoved: 1, toolsRemoved: 1 });
        expect(ended).toEqual([`${s}:cleanup`]);
        const events = [];
        for await (const event of watch) events.push(event);
        expect(events).toEqual([]);
        expect((await rejection(store.getSession(s))).code).toBe("SessionExpired");
        expect((await rejection(store.getTool(s, "t1"))).code).toBe("SessionExpired");
        expect((await rejection(store.getVariable(s, "var"))).code).toBe("SessionExpired");
        expect((await rejection(store.getSession(id("never_created")))).code).toBe("SessionNotFound");
        await store.createSession(s, {}); // an ended id may be opened again
        expect((await store.getSession(s)).variableCount).toBe(0);
      });
    });
  });
}

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
      const versions = await firstVersions(watch, 21, controller);
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
