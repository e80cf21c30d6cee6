// Budgets an authenticated caller cannot grow past: live sessions per principal,
// variables (count and bytes) per session. Each refusal is ResourceExhausted with an
// ErrorInfo naming the limit, on gRPC and HTTP, and an audited limit hit.
import { status } from "@grpc/grpc-js";
import { encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, type Host } from "../host.js";
import { expectGrpcFailure, type TestClient, testClient } from "../testing/client.js";
import { DEFAULT_MAX_SESSIONS_PER_PRINCIPAL } from "./session-quota.js";
import { auditCapture, bearer, TEST_TOKENS } from "./testing.js";

const ALICE = bearer("alice-token-0123456789");
const BOB = bearer("bob-token-0123456789ab");

let host: Host;
let client: TestClient;
const { destination: auditStream, events: audit } = auditCapture();

beforeAll(async () => {
  host = await createHost({
    port: 0,
    httpPort: 0,
    logLevel: "silent",
    auth: { tokens: TEST_TOKENS, maxSessionsPerPrincipal: 3 },
    audit: { destination: auditStream },
    maxVariablesPerSession: 2,
    maxVariableBytesPerSession: 10_000,
  });
  client = testClient(host.address);
});
afterAll(async () => {
  client.close();
  await host.close({ graceMs: 100 });
});

const http = (method: string, path: string, body: unknown, token: string) =>
  fetch(`${host.httpUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe("sessions per principal", () => {
  it("the 4th live session of a principal is ResourceExhausted naming the limit; others are unaffected", async () => {
    for (const id of ["a1", "a2", "a3"]) await client.unary("initializeSession", { sessionId: id }, ALICE);
    const refused = await expectGrpcFailure(client.unary("initializeSession", { sessionId: "a4" }, ALICE));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.info?.type).toBe("ResourceExhausted");
    expect(refused.info?.details).toMatchObject({ max_sessions_per_principal: "3" });
    expect(audit).toContainEqual(
      expect.objectContaining({
        event: "limit_hit",
        errorType: "ResourceExhausted",
        method: "InitializeSession",
        principal: "alice",
        transport: "grpc",
      }),
    );
    // Over HTTP too, with the same error type.
    const viaHttp = await http("POST", "/api/sessions", { session_id: "a5" }, "alice-token-0123456789");
    expect(viaHttp.status).toBe(503);
    expect(await viaHttp.json()).toMatchObject({
      error_type: "ResourceExhausted",
      details: { max_sessions_per_principal: "3" },
    });
    expect(audit).toContainEqual(
      expect.objectContaining({ event: "limit_hit", principal: "alice", transport: "http" }),
    );
    // Bob has his own budget.
    await client.unary("initializeSession", { sessionId: "b1" }, BOB);
    // An ended session frees its place.
    await client.unary("cleanupSession", { sessionId: "a1" }, ALICE);
    await client.unary("initializeSession", { sessionId: "a4" }, ALICE);
    for (const id of ["a2", "a3", "a4", "b1"]) {
      await client.unary("cleanupSession", { sessionId: id }, id.startsWith("a") ? ALICE : BOB);
    }
  });

  it("concurrent InitializeSessions cannot overshoot; failed creations give their place back", async () => {
    await client.unary("initializeSession", { sessionId: "c1" }, ALICE);
    // A taken id fails (AlreadyExists) and must not use up a place.
    expect((await expectGrpcFailure(client.unary("initializeSession", { sessionId: "c1" }, ALICE))).code).toBe(
      status.ALREADY_EXISTS,
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => client.unary("initializeSession", { sessionId: `race-${i}` }, ALICE)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(2);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled") await client.unary("cleanupSession", { sessionId: `race-${i}` }, ALICE);
    }
    await client.unary("cleanupSession", { sessionId: "c1" }, ALICE);
  });

  it(`defaults to ${DEFAULT_MAX_SESSIONS_PER_PRINCIPAL} with auth on`, async () => {
    const other = await createHost({ port: 0, logLevel: "silent", auth: { tokens: TEST_TOKENS } });
    const c = testClient(other.address);
    try {
      for (let start = 0; start < DEFAULT_MAX_SESSIONS_PER_PRINCIPAL; start += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => c.unary("initializeSession", { sessionId: `d${start + i}` }, ALICE)),
        );
      }
      const refused = await expectGrpcFailure(c.unary("initializeSession", { sessionId: "one-more" }, ALICE));
      expect(refused.info?.details).toMatchObject({
        max_sessions_per_principal: String(DEFAULT_MAX_SESSIONS_PER_PRINCIPAL),
      });
    } finally {
      c.close();
      await other.close({ graceMs: 100 });
    }
  });
});

describe("variables per session", () => {
  it("count and byte budgets: ResourceExhausted naming the limit, audited, on gRPC and HTTP", async () => {
    await client.unary("initializeSession", { sessionId: "vars" }, ALICE);
    for (const name of ["x", "y"]) {
      await client.unary("setVariable", { sessionId: "vars", name, value: encodeValue(1) }, ALICE);
    }
    const third = await expectGrpcFailure(
      client.unary("setVariable", { sessionId: "vars", name: "z", value: encodeValue(1) }, ALICE),
    );
    expect(third.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(third.info?.details).toMatchObject({ max_variables_per_session: "2", name: "z" });
    expect(audit).toContainEqual(
      expect.objectContaining({ event: "limit_hit", method: "SetVariable", principal: "alice" }),
    );
    const big = await http(
      "PUT",
      "/api/sessions/vars/variables/x",
      { value: "v".repeat(12_000) },
      "alice-token-0123456789",
    );
    expect(big.status).toBe(503);
    expect(await big.json()).toMatchObject({
      error_type: "ResourceExhausted",
      details: { max_variable_bytes_per_session: "10000" },
    });
    // Nothing was written: x is still at version 1.
    const x = await client.unary("getVariable", { sessionId: "vars", name: "x" }, ALICE);
    expect(x.variable?.metadata?.version).toBe(1n);
  });
});
