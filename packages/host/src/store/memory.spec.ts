// Counterpart of the spec's SessionStore test, plus issue 5's store semantics.
import { create } from "@bufbuild/protobuf";
import { decodeValue, encodeValue, ToolBridgeError, ToolSpecSchema, VariableChangeType } from "@toolbridge/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { must } from "../testing/deferred.js";
import { MemorySessionStore } from "./memory.js";

const spec = (toolId: string, name: string) => create(ToolSpecSchema, { toolId, name });

async function rejection(promise: Promise<unknown>): Promise<ToolBridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolBridgeError) return error;
    throw error;
  }
  throw new Error("expected a ToolBridgeError");
}

let clock = 1_000_000;
let store: MemorySessionStore;
beforeEach(() => {
  clock = 1_000_000;
  store = new MemorySessionStore({ now: () => clock, idleTtlMs: 60_000, maxSessions: 3 });
});
afterEach(() => store.close());

describe("session management", () => {
  it("creates and retrieves session", async () => {
    const session = await store.createSession("test_123", {});
    expect(session.id).toBe("test_123");
    expect((await store.getSession("test_123")).id).toBe("test_123");
  });

  it("handles non-existent session", async () => {
    expect((await rejection(store.getSession("missing"))).code).toBe("SessionNotFound");
  });

  it("prevents duplicate sessions", async () => {
    await store.createSession("dup_123", {});
    const error = await rejection(store.createSession("dup_123", {}));
    expect(error.code).toBe("AlreadyExists");
    expect(error.details.session_id).toBe("dup_123");
  });

  it("caps live sessions with ResourceExhausted", async () => {
    for (const id of ["a", "b", "c"]) await store.createSession(id, {});
    expect((await rejection(store.createSession("d", {}))).code).toBe("ResourceExhausted");
    await store.cleanupSession("a");
    await store.createSession("d", {});
  });

  it("expires idle sessions: SessionExpired, everything freed, watchers end cleanly", async () => {
    await store.createSession("idle", {});
    await store.setVariable("idle", { name: "x", value: encodeValue(1) });
    const watch = await store.watchVariables("idle", {});
    const ended: string[] = [];
    store.onSessionEnded((id, reason) => ended.push(`${id}:${reason}`));
    clock += 30_000;
    await store.touchSession("idle"); // activity restarts the idle timer
    clock += 59_000;
    await store.getSession("idle");
    clock += 2_000;
    store.sweep();
    expect(ended).toEqual(["idle:expired"]);
    const events = [];
    for await (const event of watch) events.push(event);
    expect(events).toEqual([]);
    expect((await rejection(store.getVariable("idle", "x"))).code).toBe("SessionExpired");
    expect(await store.countSessions()).toBe(0);
  });
});

describe("tool management", () => {
  beforeEach(async () => {
    await store.createSession("session_123", {});
  });

  it("registers tools for session", async () => {
    await store.registerTools("session_123", [spec("tool_1", "search"), spec("tool_2", "calculate")]);
    expect((await store.getTool("session_123", "tool_1")).name).toBe("search");
    expect((await store.getTool("session_123", "calculate")).toolId).toBe("tool_2");
    expect((await rejection(store.registerTools("session_123", [spec("tool_3", "search")]))).code).toBe(
      "AlreadyExists",
    );
  });

  it("isolation between sessions", async () => {
    await store.registerTools("session_123", [spec("tool_1", "search")]);
    await store.createSession("session_456", {});
    expect((await rejection(store.getTool("session_456", "tool_1"))).code).toBe("ToolNotFound");
    await store.setVariable("session_123", { name: "secret", value: encodeValue("s") });
    expect((await rejection(store.getVariable("session_456", "secret"))).code).toBe("VariableNotFound");
  });
});

describe("variable management", () => {
  beforeEach(async () => {
    await store.createSession("session_123", {});
  });

  it("sets and gets variables", async () => {
    await store.setVariable("session_123", { name: "threshold", value: encodeValue(0.95) });
    const variable = await store.getVariable("session_123", "threshold");
    expect(decodeValue(must(variable.value))).toBe(0.95);
  });

  it("variable metadata", async () => {
    await store.setVariable("session_123", {
      name: "score",
      value: encodeValue(85.5),
      type: "float",
      createdBy: "elixir",
      tags: ["a"],
    });
    clock += 10;
    const second = await store.setVariable("session_123", { name: "score", value: encodeValue(90.5), createdBy: "ts" });
    expect(decodeValue(must(second.value))).toBe(90.5);
    const meta = must(second.metadata);
    expect(meta.type).toBe("float");
    expect(meta.createdBy).toBe("elixir");
    expect(meta.tags).toEqual(["a"]);
    expect(meta.version).toBe(2n);
    const updated = must(meta.updatedAt);
    expect(Number(updated.seconds) * 1000 + updated.nanos / 1e6).toBe(clock);
    expect(must(meta.createdAt).nanos).not.toBe(updated.nanos);
  });

  it("optimistic concurrency: a stale expected version is a Conflict", async () => {
    await store.setVariable("session_123", { name: "v", value: encodeValue(1), expectedVersion: 0n });
    expect(
      (await rejection(store.setVariable("session_123", { name: "v", value: encodeValue(2), expectedVersion: 0n })))
        .code,
    ).toBe("Conflict");
    await store.setVariable("session_123", { name: "v", value: encodeValue(2), expectedVersion: 1n });
    const conflict = await rejection(store.deleteVariable("session_123", "v", 1n));
    expect(conflict.code).toBe("Conflict");
    expect(conflict.details.actual_version).toBe("2");
    expect(await store.deleteVariable("session_123", "v", 2n)).toBe(true);
    expect(await store.deleteVariable("session_123", "v")).toBe(false);
  });

  it("lists by prefix and tags, a page at a time", async () => {
    for (let i = 0; i < 7; i++) {
      await store.setVariable("session_123", {
        name: `cfg.${i}`,
        value: encodeValue(i),
        tags: i % 2 === 0 ? ["even"] : ["odd"],
      });
    }
    await store.setVariable("session_123", { name: "other", value: encodeValue(0), tags: ["even"] });
    const names: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await store.listVariables("session_123", { prefix: "cfg.", tags: ["even"], limit: 2, cursor });
      names.push(...page.variables.map((v) => v.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== "");
    expect(names).toEqual(["cfg.0", "cfg.2", "cfg.4", "cfg.6"]);
    expect(pages).toBe(2);
  });

  it("watch: initial values then every change of matching names, in order", async () => {
    await store.setVariable("session_123", { name: "a.1", value: encodeValue(1) });
    await store.setVariable("session_123", { name: "b", value: encodeValue(1) });
    const controller = new AbortController();
    const watch = await store.watchVariables("session_123", {
      prefix: "a.",
      names: ["c"],
      includeInitial: true,
      signal: controller.signal,
    });
    await store.setVariable("session_123", { name: "b", value: encodeValue(2) });
    await store.setVariable("session_123", { name: "c", value: encodeValue(3) });
    await store.setVariable("session_123", { name: "a.1", value: encodeValue(4) });
    await store.deleteVariable("session_123", "c");
    const seen: string[] = [];
    for await (const event of watch) {
      seen.push(`${VariableChangeType[event.changeType]}:${event.variable?.name}@${event.variable?.metadata?.version}`);
      if (seen.length === 4) controller.abort();
    }
    expect(seen).toEqual(["INITIAL:a.1@1", "SET:c@1", "SET:a.1@2", "DELETED:c@1"]);
  });

  it("50 concurrent writers on one variable: the watcher sees every version in order", async () => {
    await store.setVariable("session_123", { name: "counter", value: encodeValue(0) });
    const controller = new AbortController();
    const watch = await store.watchVariables("session_123", { names: ["counter"], signal: controller.signal });
    const writers = Array.from({ length: 50 }, (_, i) =>
      store.setVariable("session_123", { name: "counter", value: encodeValue(i + 1) }),
    );
    await Promise.all(writers);
    const versions: bigint[] = [];
    for await (const event of watch) {
      versions.push(must(event.variable?.metadata).version);
      if (versions.length === 50) controller.abort();
    }
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 2)));
  });

  it("a watcher that falls too far behind fails instead of growing", async () => {
    const small = new MemorySessionStore({ maxWatchBacklog: 5 });
    await small.createSession("s", {});
    const watch = await small.watchVariables("s", {});
    for (let i = 0; i < 10; i++) await small.setVariable("s", { name: "x", value: encodeValue(i) });
    const iterator = watch[Symbol.asyncIterator]();
    const error = await rejection(iterator.next());
    expect(error.code).toBe("ResourceExhausted");
    await small.close();
  });
});

describe("cleanup", () => {
  it("removes session and associated data; later calls get SessionExpired", async () => {
    await store.createSession("cleanup_123", {});
    await store.registerTools("cleanup_123", [spec("t1", "tool")]);
    await store.setVariable("cleanup_123", { name: "var", value: encodeValue("value") });
    expect(await store.cleanupSession("cleanup_123")).toEqual({ variablesRemoved: 1, toolsRemoved: 1 });
    expect((await rejection(store.getSession("cleanup_123"))).code).toBe("SessionExpired");
    expect((await rejection(store.getTool("cleanup_123", "t1"))).code).toBe("SessionExpired");
    expect((await rejection(store.getVariable("cleanup_123", "var"))).code).toBe("SessionExpired");
    expect((await rejection(store.getSession("never_created"))).code).toBe("SessionNotFound");
  });
});
