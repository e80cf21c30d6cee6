import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionExpiredError, ToolBridge, ToolBridgeError, type VariableChange } from "./index.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

let host: TestHost;
let bridge: ToolBridge;

beforeAll(async () => {
  host = await startTestHost();
  bridge = new ToolBridge(host.host.address);
  await bridge.initialize("session_api");
});

afterAll(async () => {
  await bridge.close();
  await host.stop();
});

describe("session variables", () => {
  it("sets, gets, lists and deletes variables with lossless values", async () => {
    const session = bridge.session;
    const written = await session.set("config.rate", 0.25, { tags: ["tuning"], description: "learning rate" });
    expect(written).toMatchObject({ name: "config.rate", value: 0.25, version: 1, tags: ["tuning"] });
    await session.set("config.ids", [1n << 60n, 2, "three", new Uint8Array([4])]);
    await session.set("other", { nested: { ok: true } });

    const ids = (await session.get("config.ids")) as unknown[];
    expect(ids.slice(0, 3)).toEqual([1n << 60n, 2, "three"]);
    expect(ids[3]).toBeInstanceOf(Uint8Array);
    expect([...(ids[3] as Uint8Array)]).toEqual([4]);
    expect((await session.set("config.rate", 0.5)).version).toBe(2);

    const listed = await session.list({ prefix: "config." });
    expect(listed.map((variable) => variable.name).sort()).toEqual(["config.ids", "config.rate"]);
    expect((await session.list({ tags: ["tuning"] })).map((variable) => variable.name)).toEqual(["config.rate"]);
    expect((await session.list({ pageSize: 1 })).length).toBe(3);

    expect(await session.delete("other")).toBe(true);
    const missing = await session.get("other").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ToolBridgeError);
    expect((missing as ToolBridgeError).code).toBe("VariableNotFound");
  });

  it("refuses a write whose expected version is stale", async () => {
    await bridge.session.set("counter", 1);
    const error = await bridge.session.set("counter", 2, { expectedVersion: 7 }).catch((e: unknown) => e);
    expect((error as ToolBridgeError).code).toBe("Conflict");
  });

  it("watches changes as an async iterator, initial values first", async () => {
    await bridge.session.set("watched.a", "a1");
    const controller = new AbortController();
    const seen: VariableChange[] = [];
    const watching = (async () => {
      for await (const change of bridge.session.watch({
        prefix: "watched.",
        includeInitial: true,
        signal: controller.signal,
      })) {
        seen.push(change);
        if (seen.length === 1) {
          await bridge.session.set("watched.a", "a2");
          await bridge.session.delete("watched.a");
        }
        if (seen.length === 3) controller.abort();
      }
    })();
    await watching;
    expect(seen.map((change) => [change.kind, change.variable.name, change.variable.value])).toEqual([
      ["initial", "watched.a", "a1"],
      ["set", "watched.a", "a2"],
      ["deleted", "watched.a", seen[2]?.variable.value],
    ]);
  });

  it("reports session info and ends with cleanup", async () => {
    const other = new ToolBridge(host.host.address);
    await other.initialize("short_lived", { metadata: { purpose: "cleanup" } });
    await other.session.set("x", 1);
    const info = await other.session.info();
    expect(info).toMatchObject({ sessionId: "short_lived", variableCount: 1, metadata: { purpose: "cleanup" } });
    expect(info.createdAt).toBeInstanceOf(Date);

    const cleaned = await other.session.cleanup({ force: true });
    expect(cleaned.variablesRemoved).toBe(1);
    const after = await other.session.info().catch((e: unknown) => e);
    expect(after).toBeInstanceOf(ToolBridgeError);
    expect(after).toBeInstanceOf(SessionExpiredError);
    await other.close();
  });

  it("a watch ends when its session is cleaned up, never hangs", async () => {
    const other = new ToolBridge(host.host.address);
    await other.initialize("watched_session");
    await other.session.set("v", 1);
    const watch = other.session.watch({ names: ["v"], includeInitial: true });
    expect((await watch.next()).value).toMatchObject({ kind: "initial" });
    await other.session.cleanup({ force: true });
    const end = await watch.next().catch((e: unknown) => e);
    if (end instanceof Error) expect(end).toBeInstanceOf(SessionExpiredError);
    else expect(end).toMatchObject({ done: true });
    await other.close();
  });
});
