import { Metadata, status } from "@grpc/grpc-js";
import { ToolBridge } from "@toolbridge/client";
import { encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHost, type Host } from "../host.js";
import { expectGrpcFailure, type TestClient, testClient } from "../testing/client.js";
import { defineTool } from "../tool/define-tool.js";
import { GRANTS_METADATA_KEY } from "./session-access.js";
import { auditCapture, bearer, TEST_TOKENS as TOKENS } from "./testing.js";

// Bearer tokens and session ownership on gRPC and the gateway, and the audit
// stream that records it all.

const ALICE = bearer("alice-token-0123456789");
const BOB = bearer("bob-token-0123456789ab");
const ADMIN = bearer("admin-token-0123456789");

const secret = defineTool({ name: "secret", input: z.object({}), handler: () => "alice's secret" });

let host: Host;
let client: TestClient;
const { destination: audit, events: auditLines } = auditCapture();

beforeAll(async () => {
  host = await createHost({
    port: 0,
    httpPort: 0,
    logLevel: "silent",
    tools: [secret],
    auth: { tokens: TOKENS, admins: ["ops"] },
    audit: { destination: audit },
    maxMessageBytes: 64 * 1024,
  });
  client = testClient(host.address);
  await client.unary("initializeSession", { sessionId: "session-a1" }, ALICE);
  await client.unary(
    "setVariable",
    { sessionId: "session-a1", name: "plan", value: encodeValue("alice's private plan") },
    ALICE,
  );
});

afterAll(async () => {
  client.close();
  await host.close({ graceMs: 100 });
});

describe("bearer tokens on gRPC", () => {
  it("no token, a malformed header or a wrong token: UNAUTHENTICATED with ErrorInfo", async () => {
    for (const metadata of [new Metadata(), bearer("short"), bearer("alice-token-0123456780")]) {
      const failure = await expectGrpcFailure(client.unary("getSessionInfo", { sessionId: "session-a1" }, metadata));
      expect(failure.code).toBe(status.UNAUTHENTICATED);
      expect(failure.info?.type).toBe("Unauthenticated");
    }
    const malformed = new Metadata();
    malformed.set("authorization", "Basic YWxpY2U6cHc=");
    expect((await expectGrpcFailure(client.unary("healthCheck", {}, malformed))).code).toBe(status.UNAUTHENTICATED);
  });

  it("the TypeScript client's authToken works, and the session records its owner", async () => {
    const bridge = new ToolBridge(host.address, { authToken: "bob-token-0123456789ab", retry: false });
    try {
      await bridge.initialize("bob-session");
      expect(await bridge.callTool("secret", {})).toBe("alice's secret");
    } finally {
      await bridge.close();
    }
    expect((await host.store.getSession("bob-session")).owner).toBe("bob");
  });
});

describe("session ownership", () => {
  it("another principal gets PERMISSION_DENIED on every session RPC, without learning the session's data", async () => {
    const requests = [
      ["getSessionInfo", { sessionId: "session-a1" }],
      ["getSessionTools", { sessionId: "session-a1" }],
      ["executeTool", { sessionId: "session-a1", toolId: "secret" }],
      ["batchExecuteTools", { sessionId: "session-a1", items: [{ toolId: "secret" }] }],
      ["getVariable", { sessionId: "session-a1", name: "plan" }],
      ["setVariable", { sessionId: "session-a1", name: "plan", value: encodeValue("bob was here") }],
      ["listVariables", { sessionId: "session-a1" }],
      ["deleteVariable", { sessionId: "session-a1", name: "plan" }],
      ["cleanupSession", { sessionId: "session-a1", force: true }],
    ] as const;
    for (const [method, request] of requests) {
      const failure = await expectGrpcFailure(client.unary(method, request as never, BOB));
      expect(failure.code, method).toBe(status.PERMISSION_DENIED);
      expect(failure.info?.type).toBe("PermissionDenied");
      expect(failure.error.details).not.toMatch(/alice|plan|secret/);
    }
    const streams = [
      ["streamTool", { sessionId: "session-a1", toolId: "secret" }],
      ["watchVariables", { sessionId: "session-a1" }],
    ] as const;
    for (const [method, request] of streams) {
      const failure = await expectGrpcFailure(client.collect(method, request as never, BOB));
      expect(failure.code, method).toBe(status.PERMISSION_DENIED);
    }
    // Nothing changed: alice still reads her plan.
    const plan = await client.unary("getVariable", { sessionId: "session-a1", name: "plan" }, ALICE);
    expect(plan.variable?.metadata?.version).toBe(1n);
    expect(plan.variable?.metadata?.createdBy).toBe("alice");
  });

  it("guessing ids: an existing session of someone else is PERMISSION_DENIED, a free id is just not found", async () => {
    const guessed = await expectGrpcFailure(client.unary("getSessionInfo", { sessionId: "session-a1" }, BOB));
    expect(guessed.code).toBe(status.PERMISSION_DENIED);
    const free = await expectGrpcFailure(client.unary("getSessionInfo", { sessionId: "no-such-session" }, BOB));
    expect(free.code).toBe(status.NOT_FOUND);
  });

  it("the owner can grant a session to named principals at creation; admins reach every session", async () => {
    await client.unary(
      "initializeSession",
      { sessionId: "shared", metadata: { [GRANTS_METADATA_KEY]: "bob, carol" } },
      ALICE,
    );
    expect((await client.unary("getSessionInfo", { sessionId: "shared" }, BOB)).session?.sessionId).toBe("shared");
    expect((await client.unary("getSessionInfo", { sessionId: "session-a1" }, ADMIN)).session?.sessionId).toBe(
      "session-a1",
    );
  });
});

describe("gateway", () => {
  const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${host.httpUrl}${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  it("401 without a valid token, 403 on another principal's session, the owner recorded on create; probes stay open", async () => {
    expect((await api("/api/sessions/session-a1", undefined)).status).toBe(401);
    expect((await api("/api/sessions/session-a1", "wrong-token-0123456789")).status).toBe(401);
    const denied = await api("/api/sessions/session-a1/variables/plan", "bob-token-0123456789ab");
    expect(denied.status).toBe(403);
    expect(await denied.text()).not.toMatch(/private plan/);
    expect((await api("/api/sessions/session-a1/variables/plan", "alice-token-0123456789")).status).toBe(200);
    const created = await api("/api/sessions", "bob-token-0123456789ab", {
      method: "POST",
      body: JSON.stringify({ session_id: "bob-http" }),
    });
    expect(created.status).toBe(201);
    expect((await host.store.getSession("bob-http")).owner).toBe("bob");
    expect((await api("/healthz", undefined)).status).toBe(200);
  });
});

describe("audit log", () => {
  it("records sessions created and cleaned, tools registered, auth failures, denied access and limit hits", async () => {
    host.registerTool(defineTool({ name: "late_tool", input: z.object({}), handler: () => 1 }));
    await expectGrpcFailure(client.unary("healthCheck", {}, bearer("nope-nope-nope-nope")));
    await expectGrpcFailure(client.unary("getSessionInfo", { sessionId: "session-a1" }, BOB));
    await client.unary("initializeSession", { sessionId: "short-lived" }, BOB);
    // A limit: a variable value over the 64 KiB message limit.
    await expectGrpcFailure(
      client.unary(
        "setVariable",
        { sessionId: "short-lived", name: "big", value: encodeValue("x".repeat(100_000)) },
        BOB,
      ),
    );
    await client.unary("cleanupSession", { sessionId: "short-lived" }, BOB);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const events = (name: string) => auditLines.filter((l) => l.event === name);
    expect(events("session_created")).toContainEqual(
      expect.objectContaining({ sessionId: "short-lived", principal: "bob", transport: "grpc" }),
    );
    expect(events("session_created")).toContainEqual(
      expect.objectContaining({ sessionId: "bob-http", principal: "bob", transport: "http" }),
    );
    expect(events("session_ended")).toContainEqual(
      expect.objectContaining({ sessionId: "short-lived", reason: "cleanup" }),
    );
    expect(events("tool_registered")).toContainEqual(expect.objectContaining({ tool: "late_tool" }));
    expect(events("tool_registered")).toContainEqual(expect.objectContaining({ tool: "secret" }));
    expect(events("auth_failed")).toContainEqual(
      expect.objectContaining({ transport: "grpc", method: "HealthCheck", reason: "invalid bearer token" }),
    );
    expect(events("access_denied")).toContainEqual(
      expect.objectContaining({ principal: "bob", sessionId: "session-a1" }),
    );
    expect(events("limit_hit")).toContainEqual(
      expect.objectContaining({ errorType: "MessageTooLarge", method: "SetVariable" }),
    );
    // The audit trail never carries values.
    expect(JSON.stringify(auditLines)).not.toMatch(/private plan|xxxxxxxx/);
    for (const line of auditLines) expect(line.log).toBe("audit");
  });
});
