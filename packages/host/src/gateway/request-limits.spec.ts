// REQUEST_LIMITS on the HTTP gateway: the same fields, the same InvalidArgument as
// on gRPC (security/request-limits.spec.ts), answered as 400 problem+json.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { REQUEST_LIMITS } from "../security/request-limits.js";
import { expectGrpcFailure, testClient } from "../testing/client.js";
import { type GatewayHost, startGatewayHost } from "../testing/gateway.js";
import { defineTool } from "../tool/define-tool.js";

let gw: GatewayHost;
let id: string;
let runs = 0;
const counted = defineTool({
  name: "counted",
  input: z.object({}),
  handler: () => {
    runs++;
    return runs;
  },
});

beforeAll(async () => {
  gw = await startGatewayHost({ tools: [counted] });
  id = await gw.session();
});
afterAll(() => gw.stop());

const tooMany = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
const long = (n: number) => "x".repeat(n);

/** A 400 problem of type InvalidArgument naming the field and the limit. */
async function expectLimit(response: Response, field: string, limit: number) {
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  const problem = await response.json();
  expect(problem).toMatchObject({
    type: "urn:toolbridge:error:InvalidArgument",
    error_type: "InvalidArgument",
    details: { field, limit: String(limit) },
  });
  return problem;
}

describe("REQUEST_LIMITS on the gateway", () => {
  it("session metadata: too many entries, a value too long; the session is not created", async () => {
    const many = await gw.call("POST", "/api/sessions", { session_id: "meta-many", metadata: tooMany(65) });
    await expectLimit(many, "metadata", REQUEST_LIMITS.maxMapEntries);
    const longValue = await gw.call("POST", "/api/sessions", { session_id: "meta-long", metadata: { k: long(4097) } });
    await expectLimit(longValue, "metadata.k", REQUEST_LIMITS.maxMapValueChars);
    expect((await gw.call("GET", "/api/sessions/meta-many")).status).toBe(404);
  });

  it("the same violation gets the same error type and details on gRPC and HTTP", async () => {
    const http = await (await gw.call("POST", "/api/sessions", { session_id: "same", metadata: tooMany(65) })).json();
    const client = testClient(gw.host.address);
    try {
      const grpc = await expectGrpcFailure(
        client.unary("initializeSession", { sessionId: "same", metadata: tooMany(65) }),
      );
      expect(grpc.info?.type).toBe(http.error_type);
      expect(grpc.info?.details).toMatchObject(http.details);
      expect(grpc.info?.message).toBe(http.detail);
    } finally {
      client.close();
    }
  });

  it("a requested idle TTL over a day", async () => {
    const response = await gw.call("POST", "/api/sessions", {
      session_id: "ttl",
      config: { idle_ttl_ms: REQUEST_LIMITS.maxIdleTtlMs + 1 },
    });
    await expectLimit(response, "config.idle_ttl_ms", REQUEST_LIMITS.maxIdleTtlMs);
  });

  it("a call's context map, before the tool runs", async () => {
    const before = runs;
    const response = await gw.call("POST", `/api/sessions/${id}/tools/counted/execute`, { context: tooMany(65) });
    await expectLimit(response, "context", REQUEST_LIMITS.maxMapEntries);
    const streamed = await gw.call("POST", `/api/sessions/${id}/tools/counted/stream`, {
      context: { k: long(4097) },
    });
    await expectLimit(streamed, "context.k", REQUEST_LIMITS.maxMapValueChars);
    expect(runs).toBe(before);
  });

  it("variable tags, tag length, description and type", async () => {
    const path = `/api/sessions/${id}/variables/v`;
    const tags = Array.from({ length: 65 }, (_, i) => `t${i}`);
    await expectLimit(await gw.call("PUT", path, { value: 1, tags }), "tags", REQUEST_LIMITS.maxTags);
    await expectLimit(await gw.call("PUT", path, { value: 1, tags: [long(257)] }), "tags", REQUEST_LIMITS.maxIdChars);
    await expectLimit(
      await gw.call("PUT", path, { value: 1, description: long(4097) }),
      "description",
      REQUEST_LIMITS.maxDescriptionChars,
    );
    await expectLimit(await gw.call("PUT", path, { value: 1, type: long(257) }), "type", REQUEST_LIMITS.maxIdChars);
    expect((await gw.call("GET", path)).status).toBe(404);
  });

  it("ListVariables prefix, cursor and tag filter", async () => {
    const list = (query: string) => gw.call("GET", `/api/sessions/${id}/variables?${query}`);
    await expectLimit(await list(`prefix=${long(257)}`), "prefix", REQUEST_LIMITS.maxIdChars);
    await expectLimit(await list(`cursor=${long(257)}`), "cursor", REQUEST_LIMITS.maxIdChars);
    const tags = Array.from({ length: 65 }, (_, i) => `tags=t${i}`).join("&");
    await expectLimit(await list(tags), "tags", REQUEST_LIMITS.maxTags);
  });

  it("requests within the limits still work", async () => {
    const created = await gw.call("POST", "/api/sessions", { session_id: "fits", metadata: tooMany(64) });
    expect(created.status).toBe(201);
    const put = await gw.call("PUT", `/api/sessions/${id}/variables/ok`, { value: 1, tags: ["a"], description: "d" });
    expect(put.status).toBe(200);
  });
});
