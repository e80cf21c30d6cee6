// The behaviour every SessionStore must have (counterpart of the spec's SessionStore test plus issue 5).
// Run it against an implementation with: sessionStoreContract("Redis", (limits) => new RedisSessionStore(...)).
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { decodeValue, encodeValue, ToolBridgeError, ToolSpecSchema, VariableChangeType } from "@toolbridge/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionStore } from "../store/types.js";
import { must } from "./deferred.js";

/** Limits the contract needs the store under test to apply. */
export interface ContractLimits {
  maxSessions: number;
  maxWatchBacklog: number;
}

const spec = (toolId: string, name: string) => create(ToolSpecSchema, { toolId, name });

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
        const versions: bigint[] = [];
        for await (const event of watch) {
          versions.push(must(event.variable?.metadata).version);
          if (versions.length === 50) controller.abort();
        }
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
