// Issue 5 over gRPC: sessions, global and per-session tools, variables, watch.
import { status } from "@grpc/grpc-js";
import { decodeValue, encodeValue, VariableChangeType, type WatchVariablesResponse } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure, testClient } from "../testing/client.js";
import { deferred, must, until } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

let release = deferred();
let started = 0;
let sawAbort = false;

const globalTool = defineTool({
  name: "greet",
  description: "Says hello",
  input: z.object({ name: z.string().describe("who") }),
  handler: async ({ name }, ctx) => {
    await ctx.session.setVariable("last_greeted", name);
    return `hello ${name}`;
  },
});
const blocking = defineTool({
  name: "blocking",
  input: z.object({}),
  handler: (_args, ctx) =>
    new Promise((resolve, reject) => {
      started++;
      ctx.signal.addEventListener("abort", () => {
        sawAbort = true;
        reject(ctx.signal.reason);
      });
      void release.promise.then(() => resolve("released"));
    }),
});
const privateTool = defineTool({ name: "private_tool", input: z.object({}), handler: async () => "secret" });

let t: Started;
beforeAll(async () => {
  t = await startHost({ tools: [globalTool, blocking] });
});
afterAll(() => t.stop());

describe("sessions", () => {
  it("InitializeSession returns the session and its tools; a duplicate is ALREADY_EXISTS", async () => {
    const response = await t.client.unary("initializeSession", { sessionId: "one", metadata: { team: "a" } });
    expect(response.success).toBe(true);
    expect(response.tools.map((s) => s.name).sort()).toEqual(["blocking", "greet"]);
    expect(response.toolCount).toBe(2);
    expect(response.session?.metadata).toEqual({ team: "a" });
    const failure = await expectGrpcFailure(t.client.unary("initializeSession", { sessionId: "one" }));
    expect(failure.code).toBe(status.ALREADY_EXISTS);
    expect(failure.info?.type).toBe("AlreadyExists");
  });

  it("the cap on live sessions answers RESOURCE_EXHAUSTED", async () => {
    const capped = await startHost({ maxSessions: 1 });
    try {
      await capped.client.unary("initializeSession", { sessionId: "first" });
      const failure = await expectGrpcFailure(capped.client.unary("initializeSession", { sessionId: "second" }));
      expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(failure.info?.type).toBe("ResourceExhausted");
    } finally {
      await capped.stop();
    }
  });

  it("GetSessionTools returns specs with arguments and JSON Schema", async () => {
    const { tools } = await t.client.unary("getSessionTools", { sessionId: "one" });
    const greet = tools.find((s) => s.name === "greet");
    expect(greet?.arguments[0]).toMatchObject({ name: "name", type: "str", required: true, description: "who" });
    expect(JSON.parse(greet?.inputJsonSchema ?? "{}").properties.name.type).toBe("string");
  });

  it("per-session tools are visible only to their session", async () => {
    await t.client.unary("initializeSession", { sessionId: "two" });
    await t.host.registerSessionTools("two", [privateTool]);
    const own = await t.client.unary("getSessionTools", { sessionId: "two" });
    expect(own.tools.find((s) => s.name === "private_tool")?.sessionId).toBe("two");
    const other = await t.client.unary("getSessionTools", { sessionId: "one" });
    expect(other.tools.map((s) => s.name)).not.toContain("private_tool");
    const denied = await t.client.unary("executeTool", { sessionId: "one", toolId: "private_tool" });
    expect(denied.error?.type).toBe("ToolNotFound");
    const allowed = await t.client.unary("executeTool", { sessionId: "two", toolId: "private_tool" });
    expect(decodeValue(must(allowed.result))).toBe("secret");
  });

  it("GetSessionInfo reports counts and expiry", async () => {
    const { session } = await t.client.unary("getSessionInfo", { sessionId: "two" });
    expect(session?.toolCount).toBe(3);
    expect(Number(session?.expiresAt?.seconds) - Number(session?.lastActiveAt?.seconds)).toBe(3600);
  });

  it("after cleanup every call gets SessionExpired (distinct from SessionNotFound)", async () => {
    await t.client.unary("initializeSession", { sessionId: "gone" });
    await t.client.unary("setVariable", { sessionId: "gone", name: "v", value: encodeValue(1) });
    const cleanup = await t.client.unary("cleanupSession", { sessionId: "gone" });
    expect(cleanup).toMatchObject({ success: true, variablesRemoved: 1 });
    for (const call of [
      t.client.unary("executeTool", { sessionId: "gone", toolId: "greet" }),
      t.client.unary("getVariable", { sessionId: "gone", name: "v" }),
      t.client.unary("getSessionInfo", { sessionId: "gone" }),
    ]) {
      const failure = await expectGrpcFailure(call);
      expect(failure.code).toBe(status.FAILED_PRECONDITION);
      expect(failure.info?.type).toBe("SessionExpired");
    }
    const never = await expectGrpcFailure(t.client.unary("getSessionInfo", { sessionId: "never" }));
    expect(never.info?.type).toBe("SessionNotFound");
  });

  it("cleanup refuses while calls run unless forced; force cancels them", async () => {
    await t.client.unary("initializeSession", { sessionId: "busy" });
    release = deferred();
    started = 0;
    sawAbort = false;
    const running = expectGrpcFailure(t.client.unary("executeTool", { sessionId: "busy", toolId: "blocking" }));
    await until(() => started === 1);
    const refused = await expectGrpcFailure(t.client.unary("cleanupSession", { sessionId: "busy" }));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    const forced = await t.client.unary("cleanupSession", { sessionId: "busy", force: true });
    expect(forced.cancelledCalls).toBe(1);
    expect(sawAbort).toBe(true);
    expect((await running).info?.type).toBe("SessionExpired");
  });

  it("a session with a call in flight is not idle", async () => {
    const short = await startHost({ sessionIdleTtlMs: 300, tools: [blocking] });
    try {
      await short.client.unary("initializeSession", { sessionId: "long" });
      release = deferred();
      started = 0;
      const call = short.client.unary("executeTool", { sessionId: "long", toolId: "blocking" });
      await until(() => started === 1);
      await new Promise((r) => setTimeout(r, 700)); // more than two TTLs and several sweeps pass
      release.resolve();
      expect((await call).success).toBe(true);
    } finally {
      await short.stop();
    }
  });

  it("idle sessions expire; watchers on them end cleanly", async () => {
    const short = await startHost({ sessionIdleTtlMs: 300 });
    try {
      await short.client.unary("initializeSession", { sessionId: "idle" });
      const events: WatchVariablesResponse[] = [];
      await short.client.unary("setVariable", { sessionId: "idle", name: "x", value: encodeValue(1) });
      for await (const event of short.client.stream("watchVariables", { sessionId: "idle", includeInitial: true })) {
        events.push(event);
      }
      expect(events.map((e) => e.changeType)).toEqual([VariableChangeType.INITIAL]);
      const failure = await expectGrpcFailure(short.client.unary("getSessionInfo", { sessionId: "idle" }));
      expect(failure.info?.type).toBe("SessionExpired");
    } finally {
      await short.stop();
    }
  });
});

describe("variables", () => {
  beforeAll(async () => {
    await t.client.unary("initializeSession", { sessionId: "vars" });
  });

  it("set/get with metadata, inferred type, optimistic concurrency → ABORTED Conflict", async () => {
    const set = await t.client.unary("setVariable", {
      sessionId: "vars",
      name: "threshold",
      value: encodeValue(0.95),
      createdBy: "python",
      tags: ["tuning"],
      expectedVersion: 0n,
    });
    expect(set.variable?.metadata).toMatchObject({ type: "float", createdBy: "python", tags: ["tuning"], version: 1n });
    const got = await t.client.unary("getVariable", { sessionId: "vars", name: "threshold" });
    expect(decodeValue(must(got.variable?.value))).toBe(0.95);
    const conflict = await expectGrpcFailure(
      t.client.unary("setVariable", {
        sessionId: "vars",
        name: "threshold",
        value: encodeValue(1),
        expectedVersion: 0n,
      }),
    );
    expect(conflict.code).toBe(status.ABORTED);
    expect(conflict.info?.type).toBe("Conflict");
    const missing = await expectGrpcFailure(t.client.unary("getVariable", { sessionId: "vars", name: "nope" }));
    expect(missing.info?.type).toBe("VariableNotFound");
  });

  it("tools read and write session variables through ctx.session", async () => {
    await t.client.unary("executeTool", { sessionId: "vars", toolId: "greet", args: [encodeValue("ada")] });
    const got = await t.client.unary("getVariable", { sessionId: "vars", name: "last_greeted" });
    expect(decodeValue(must(got.variable?.value))).toBe("ada");
    expect(got.variable?.metadata?.createdBy).toBe("tool:greet");
  });

  it("list by prefix and tags with limit and cursor; delete", async () => {
    for (let i = 0; i < 5; i++) {
      await t.client.unary("setVariable", { sessionId: "vars", name: `p.${i}`, value: encodeValue(i), tags: ["x"] });
    }
    const first = await t.client.unary("listVariables", { sessionId: "vars", prefix: "p.", tags: ["x"], limit: 3 });
    expect(first.variables.map((v) => v.name)).toEqual(["p.0", "p.1", "p.2"]);
    const second = await t.client.unary("listVariables", { sessionId: "vars", prefix: "p.", cursor: first.nextCursor });
    expect(second.variables.map((v) => v.name)).toEqual(["p.3", "p.4"]);
    expect(second.nextCursor).toBe("");
    expect((await t.client.unary("deleteVariable", { sessionId: "vars", name: "p.0" })).deleted).toBe(true);
    expect((await t.client.unary("deleteVariable", { sessionId: "vars", name: "p.0" })).deleted).toBe(false);
  });

  it("50 concurrent writers on one variable: a watcher sees every version in order", async () => {
    await t.client.unary("setVariable", { sessionId: "vars", name: "counter", value: encodeValue(0) });
    const watch = t.client.stream("watchVariables", { sessionId: "vars", names: ["counter"], includeInitial: true });
    const versions: bigint[] = [];
    const seenAll = deferred();
    watch.on("data", (event: WatchVariablesResponse) => {
      versions.push(must(event.variable?.metadata).version);
      if (versions.length === 51) seenAll.resolve();
    });
    watch.on("error", () => {});
    await until(() => versions.length === 1); // the INITIAL event: the watch is registered
    const writers = Array.from({ length: 50 }, () => testClient(t.host.address));
    await Promise.all(
      writers.map((w, i) => w.unary("setVariable", { sessionId: "vars", name: "counter", value: encodeValue(i) })),
    );
    await seenAll.promise;
    watch.cancel();
    for (const w of writers) w.close();
    expect(versions).toEqual(Array.from({ length: 51 }, (_, i) => BigInt(i + 1)));
  });
});
