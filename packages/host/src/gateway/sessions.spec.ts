// Issue 10: gateway session routes against a real host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type GatewayHost, startGatewayHost } from "../testing/gateway.js";
import { defineTool } from "../tool/define-tool.js";

let gw: GatewayHost;

beforeAll(async () => {
  gw = await startGatewayHost({
    tools: [
      defineTool({
        name: "greet",
        input: z.object({ name: z.string().describe("Who") }),
        handler: ({ name }) => `hi ${name}`,
      }),
    ],
  });
});
afterAll(() => gw.stop());

describe("sessions over HTTP", () => {
  it("creates a session: 201, Location, session info and tools", async () => {
    const res = await gw.call("POST", "/api/sessions", { session_id: "alpha", metadata: { team: "blue" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/api/sessions/alpha");
    const body = await res.json();
    expect(body.session).toMatchObject({ session_id: "alpha", metadata: { team: "blue" } });
    expect(body.tool_count).toBe(1);
    expect(body.capabilities).toContain("execute");
    expect(body.tools[0].name).toBe("greet");
  });

  it("generates an id when none is given", async () => {
    const res = await gw.call("POST", "/api/sessions", {});
    expect(res.status).toBe(201);
    expect((await res.json()).session.session_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reads a session and lists its tools with their JSON Schema", async () => {
    const id = await gw.session();
    const info = await (await gw.call("GET", `/api/sessions/${id}`)).json();
    expect(info.session.session_id).toBe(id);
    expect(info.session.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const tools = await (await gw.call("GET", `/api/sessions/${id}/tools`)).json();
    const greet = tools.tools.find((t: { name: string }) => t.name === "greet");
    expect(greet.input_json_schema.properties.name).toMatchObject({ type: "string", description: "Who" });
    expect(greet.arguments[0]).toMatchObject({ name: "name", type: "str", required: true });
    expect(greet.type).toBe("TOOL_TYPE_STANDARD");
  });

  it("deletes a session; later calls get 410 SessionExpired", async () => {
    const id = await gw.session();
    const res = await gw.call("DELETE", `/api/sessions/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true });
    const gone = await gw.call("GET", `/api/sessions/${id}`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await gone.json()).toMatchObject({
      type: "urn:toolbridge:error:SessionExpired",
      title: "Session expired",
      status: 410,
      error_type: "SessionExpired",
      session_id: id,
      instance: `/api/sessions/${id}`,
    });
    const execute = await gw.call("POST", `/api/sessions/${id}/tools/greet/execute`, { kwargs: { name: "x" } });
    expect(execute.status).toBe(410);
  });

  it("answers 404 SessionNotFound for an unknown session and 409 for a duplicate", async () => {
    const missing = await gw.call("GET", "/api/sessions/never-made/tools");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error_type).toBe("SessionNotFound");
    const id = await gw.session();
    const again = await gw.call("POST", "/api/sessions", { session_id: id });
    expect(again.status).toBe(409);
    expect((await again.json()).error_type).toBe("AlreadyExists");
  });

  it("rejects a malformed body naming every bad field", async () => {
    const res = await gw.call("POST", "/api/sessions", {
      session_id: { id: 5 },
      metadata: { a: [1, 2] },
      colour: "red",
    });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.error_type).toBe("InvalidArgument");
    const fields = problem.field_violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(expect.arrayContaining(["session_id", "metadata.a", "colour"]));
  });
});
