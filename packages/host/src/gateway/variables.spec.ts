// Issue 10: session variables over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayHost, startGatewayHost } from "../testing/gateway.js";

let gw: GatewayHost;
let id: string;

beforeAll(async () => {
  gw = await startGatewayHost();
  id = await gw.session();
});
afterAll(() => gw.stop());

const variable = (name: string) => `/api/sessions/${id}/variables/${name}`;

describe("variables over HTTP", () => {
  it("writes, reads and versions a variable, keeping its value exact", async () => {
    const value = { limit: { $int: "9007199254740995" }, at: { $ts: "2030-01-01T00:00:00.000000001Z" } };
    const put = await gw.call("PUT", variable("cfg"), { value, tags: ["conf"], description: "settings" });
    expect(put.status).toBe(200);
    expect((await put.json()).variable.metadata).toMatchObject({
      version: "1",
      tags: ["conf"],
      description: "settings",
    });
    const read = await (await gw.call("GET", variable("cfg"))).json();
    expect(read.variable.value).toEqual(value);
    expect(read.variable.metadata.type).not.toBe("");
    const again = await (await gw.call("PUT", variable("cfg"), { value: 2 })).json();
    expect(again.variable.metadata.version).toBe("2");
  });

  it("answers 409 Conflict on a stale expected_version and 404 for a missing variable", async () => {
    await gw.call("PUT", variable("v"), { value: "a" });
    const stale = await gw.call("PUT", variable("v"), { value: "b", expected_version: 7 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error_type).toBe("Conflict");
    const missing = await gw.call("GET", variable("absent"));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error_type).toBe("VariableNotFound");
  });

  it("deletes a variable", async () => {
    await gw.call("PUT", variable("temp"), { value: true });
    expect(await (await gw.call("DELETE", variable("temp"))).json()).toEqual({ deleted: true });
    expect(await (await gw.call("DELETE", variable("temp"))).json()).toEqual({ deleted: false });
  });

  it("lists by prefix and tags, a page at a time", async () => {
    for (const [name, tags] of [
      ["app.a", ["x"]],
      ["app.b", ["x", "y"]],
      ["app.c", ["y"]],
      ["other", ["x"]],
    ] as const) {
      await gw.call("PUT", variable(name), { value: name, tags });
    }
    const list = (query: string) => gw.call("GET", `/api/sessions/${id}/variables${query}`).then((r) => r.json());
    const tagged = await list("?prefix=app.&tags=x");
    expect(tagged.variables.map((v: { name: string }) => v.name)).toEqual(["app.a", "app.b"]);
    const both = await list("?prefix=app.&tags=x,y");
    expect(both.variables.map((v: { name: string }) => v.name)).toEqual(["app.b"]);
    const repeated = await list("?tags=x&tags=y");
    expect(repeated.variables.map((v: { name: string }) => v.name)).toEqual(["app.b"]);
    const page = await list("?prefix=app.&limit=2");
    expect(page.variables).toHaveLength(2);
    const rest = await list(`?prefix=app.&limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
    expect(rest.variables.map((v: { name: string }) => v.name)).toEqual(["app.c"]);
    expect(rest.next_cursor).toBe("");
  });

  it("rejects a value the notation cannot read, and a PUT without value", async () => {
    const bad = await gw.call("PUT", variable("bad"), { value: { $ts: "yesterday" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).field_violations[0].field).toBe("value");
    const none = await gw.call("PUT", variable("bad"), { tags: [] });
    expect(none.status).toBe(400);
    expect((await none.json()).field_violations[0].field).toBe("value");
  });
});
