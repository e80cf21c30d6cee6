// Issue 10: health, readiness, Prometheus metrics and the OpenAPI document of the gateway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type GatewayHost, startGatewayHost } from "../testing/gateway.js";
import { defineTool } from "../tool/define-tool.js";

let gw: GatewayHost;

beforeAll(async () => {
  gw = await startGatewayHost({
    tools: [
      defineTool({
        name: "calculate",
        description: "Evaluate",
        input: z.object({ expression: z.string() }),
        handler: ({ expression }) => expression.length,
      }),
    ],
  });
});
afterAll(() => gw.stop());

describe("operations routes", () => {
  it("reports health and readiness", async () => {
    const health = await gw.call("GET", "/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "SERVING_STATUS_SERVING" });
    expect((await gw.call("GET", "/readyz")).status).toBe(200);
  });

  it("serves the host's Prometheus metrics, including calls made over HTTP", async () => {
    const id = await gw.session();
    await gw.call("POST", `/api/sessions/${id}/tools/calculate/execute`, { kwargs: { expression: "1+1" } });
    const res = await gw.call("GET", "/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/toolbridge_tool_calls_total\{tool="calculate",status="ok"\} 1/);
  });

  it("publishes an OpenAPI document built from the route schemas and the tools' JSON Schemas", async () => {
    const doc = await (await gw.call("GET", "/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const execute = doc.paths["/api/sessions/{id}/tools/{tool}/execute"].post;
    expect(execute.requestBody.content["application/json"].schema.properties.timeout_ms.type).toBe("integer");
    expect(execute.responses["200"].content["application/json"].schema.properties.metrics.$ref).toBe(
      "#/components/schemas/toolbridge.v1.ExecutionMetrics",
    );
    expect(execute.responses.default.content["application/problem+json"]).toBeDefined();
    const calc = doc.paths["/api/sessions/{id}/tools/calculate/execute"].post;
    expect(calc.requestBody.content["application/json"].schema.properties.kwargs).toMatchObject({
      properties: { expression: { type: "string" } },
      required: ["expression"],
    });
    expect(doc.paths["/api/sessions/{id}/tools/{tool}/stream"]).toHaveProperty("get");
    expect(doc.paths["/api/sessions/{id}/variables"].get.parameters.map((p: { name: string }) => p.name)).toContain(
      "tags",
    );
    expect(doc.components.schemas["toolbridge.v1.SessionInfo"].properties.created_at).toEqual({
      type: "string",
      format: "date-time",
    });
  });

  it("answers unknown routes with a problem", async () => {
    const res = await gw.call("GET", "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("is not ready once the host shuts down", async () => {
    const other = await startGatewayHost();
    other.host.core.stopAccepting();
    const res = await other.call("GET", "/readyz");
    expect(res.status).toBe(503);
    expect((await res.json()).error_type).toBe("Unavailable");
    await other.stop();
  });
});
