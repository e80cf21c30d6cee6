import { encodeValue } from "@toolbridge/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { rejection, sessionStoreContract } from "../testing/session-store-contract.js";
import { MemorySessionStore } from "./memory.js";

sessionStoreContract("memory", (limits) => new MemorySessionStore(limits));

describe("MemorySessionStore idle expiry", () => {
  let clock = 1_000_000;
  let busy = false;
  const store = new MemorySessionStore({ now: () => clock, idleTtlMs: 60_000, isBusy: () => busy });
  afterEach(() => store.close());

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
    busy = true; // a session with calls in flight is not idle
    clock += 61_000;
    store.sweep();
    expect(ended).toEqual([]);
    busy = false;
    clock += 61_000;
    store.sweep();
    expect(ended).toEqual(["idle:expired"]);
    const events = [];
    for await (const event of watch) events.push(event);
    expect(events).toEqual([]);
    expect((await rejection(store.getVariable("idle", "x"))).code).toBe("SessionExpired");
    expect(await store.countSessions()).toBe(0);
  });

  it("a session's own idle TTL overrides the default", async () => {
    await store.createSession("short", { idleTtlMs: 1_000 });
    clock += 1_001;
    expect((await rejection(store.getSession("short"))).code).toBe("SessionExpired");
  });
});

describe("MemorySessionStore tombstones", () => {
  it("an ended id answers SessionExpired for the tombstone TTL (to the second), then SessionNotFound", async () => {
    let clock = 1_700_000_000_123;
    const store = new MemorySessionStore({ now: () => clock, tombstoneTtlMs: 10_000 });
    try {
      await store.createSession("gone", {});
      clock += 400;
      await store.cleanupSession("gone");
      clock += 10_000;
      store.sweep();
      expect((await rejection(store.getSession("gone"))).code).toBe("SessionExpired");
      clock += 1_000;
      store.sweep();
      expect((await rejection(store.getSession("gone"))).code).toBe("SessionNotFound");
    } finally {
      await store.close();
    }
  });

  it("remembers at most maxTombstones ended ids, forgetting the oldest", async () => {
    const store = new MemorySessionStore({ maxTombstones: 2 });
    try {
      for (const id of ["a", "b", "c"]) {
        await store.createSession(id, {});
        await store.cleanupSession(id);
      }
      expect((await rejection(store.getSession("a"))).code).toBe("SessionNotFound");
      expect((await rejection(store.getSession("b"))).code).toBe("SessionExpired");
      expect((await rejection(store.getSession("c"))).code).toBe("SessionExpired");
    } finally {
      await store.close();
    }
  });
});
