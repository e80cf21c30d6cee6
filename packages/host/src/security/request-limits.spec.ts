import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, type Host } from "../host.js";
import { expectGrpcFailure, type TestClient, testClient } from "../testing/client.js";
import { REQUEST_LIMITS, requestLimitViolation } from "./request-limits.js";

describe("request field limits", () => {
  it("accepts ordinary requests", () => {
    expect(requestLimitViolation({ sessionId: "s", toolId: "t", context: { a: "b" }, tags: ["x"] })).toBeUndefined();
    expect(requestLimitViolation({ sessionId: "s", items: [{ toolId: "echo", requestId: "r" }] })).toBeUndefined();
  });

  it("names the field and the limit it breaks", () => {
    const long = "x".repeat(REQUEST_LIMITS.maxIdChars + 1);
    expect(requestLimitViolation({ sessionId: long })).toMatchObject({
      code: "InvalidArgument",
      details: { field: "sessionId", limit: "256" },
    });
    const metadata = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(requestLimitViolation({ metadata })?.details.field).toBe("metadata");
    expect(requestLimitViolation({ context: { k: "v".repeat(5000) } })?.details.field).toBe("context.k");
    expect(requestLimitViolation({ tags: Array.from({ length: 65 }, () => "t") })?.details.field).toBe("tags");
    expect(requestLimitViolation({ names: Array.from({ length: 1001 }, () => "n") })?.details.field).toBe("names");
    expect(
      requestLimitViolation({ config: { idleTtlMs: BigInt(REQUEST_LIMITS.maxIdleTtlMs) + 1n } })?.details.field,
    ).toBe("config.idle_ttl_ms");
    expect(requestLimitViolation({ items: [{ toolId: "ok" }, { toolId: long }] })?.details.field).toBe("items[1]");
  });

  it("bounds what an agent definition keeps for the session's life", () => {
    const text = (n: number) => "x".repeat(n);
    expect(requestLimitViolation({ signature: text(4097) })?.details).toEqual({ field: "signature", limit: "4096" });
    expect(requestLimitViolation({ instructions: text(65_537) })?.details.field).toBe("instructions");
    expect(requestLimitViolation({ toolNames: Array.from({ length: 1001 }, () => "t") })?.details.field).toBe(
      "toolNames",
    );
    expect(requestLimitViolation({ llm: { model: text(257) } })?.details.field).toBe("llm.model");
    expect(
      requestLimitViolation({ signature: "question -> answer", instructions: text(65_536), toolNames: ["a"] }),
    ).toBeUndefined();
  });
});

describe("over gRPC", () => {
  let host: Host;
  let client: TestClient;
  beforeAll(async () => {
    host = await createHost({ port: 0, logLevel: "silent" });
    client = testClient(host.address);
  });
  afterAll(async () => {
    client.close();
    await host.close({ graceMs: 50 });
  });

  it("refuses an oversized id or metadata map with INVALID_ARGUMENT before anything is stored", async () => {
    const failure = await expectGrpcFailure(client.unary("initializeSession", { sessionId: "s".repeat(300) }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.info?.details.field).toBe("sessionId");
    const metadata = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, "v"]));
    expect((await expectGrpcFailure(client.unary("initializeSession", { sessionId: "m", metadata }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await host.store.countSessions()).toBe(0);
    const stream = await expectGrpcFailure(
      client.collect("watchVariables", { sessionId: "w", names: Array.from({ length: 2000 }, (_, i) => `n${i}`) }),
    );
    expect(stream.code).toBe(status.INVALID_ARGUMENT);
  });
});
