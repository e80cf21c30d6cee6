import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EchoServer, startEchoServer } from "./echo-server.js";
import { FaultProxyControl } from "./fault-proxy-control.js";
import { TcpProbe } from "./tcp-probe.js";

let echo: EchoServer;
let control: FaultProxyControl;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${control.url}${path}`, {
    method,
    ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function roundTripMs(address: string, text: string): Promise<number> {
  const client = await TcpProbe.connect(address);
  try {
    const started = performance.now();
    client.send(text);
    expect((await client.receive(text.length)).toString()).toBe(text);
    return performance.now() - started;
  } finally {
    client.destroy();
  }
}

beforeEach(async () => {
  echo = await startEchoServer();
  control = await FaultProxyControl.start({
    api: "127.0.0.1:0",
    proxies: [{ name: "grpc", upstream: echo.address, toxics: [{ type: "latency", attributes: { latency: 5 } }] }],
  });
});

afterEach(async () => {
  await control.close();
  await echo.close();
});

describe("toxiproxy-compatible control API", () => {
  it("lists proxies in toxiproxy's shape", async () => {
    const { status, json } = await api("GET", "/proxies");
    expect(status).toBe(200);
    expect(json).toEqual({
      grpc: {
        name: "grpc",
        listen: control.proxy("grpc").address,
        upstream: echo.address,
        enabled: true,
        toxics: [
          {
            name: "latency_downstream",
            type: "latency",
            stream: "downstream",
            toxicity: 1,
            attributes: { latency: 5, jitter: 0 },
          },
        ],
      },
    });
  });

  it("adds, updates and deletes toxics the way the spec's curl commands do", async () => {
    const { address } = control.proxy("grpc");
    await api("DELETE", "/proxies/grpc/toxics/latency_downstream");
    const added = await api("POST", "/proxies/grpc/toxics", '{"type":"latency","attributes":{"latency":100}}');
    expect(added).toEqual({
      status: 200,
      json: expect.objectContaining({ name: "latency_downstream", attributes: { latency: 100, jitter: 0 } }),
    });
    expect(await roundTripMs(address, "slow")).toBeGreaterThanOrEqual(90);

    const updated = await api("POST", "/proxies/grpc/toxics/latency_downstream", { attributes: { latency: 150 } });
    expect(updated.json).toMatchObject({ attributes: { latency: 150 } });
    expect(await roundTripMs(address, "slower")).toBeGreaterThanOrEqual(140);

    expect((await api("DELETE", "/proxies/grpc/toxics/latency_downstream")).status).toBe(204);
    expect(await api("GET", "/proxies/grpc/toxics")).toEqual({ status: 200, json: [] });
  });

  it("creates, disables, enables and deletes proxies", async () => {
    const created = await api("POST", "/proxies", { name: "second", upstream: echo.address });
    expect(created.status).toBe(201);
    const { listen } = created.json as { listen: string };
    await roundTripMs(listen, "through second");

    expect((await api("POST", "/proxies/second", { enabled: false })).json).toMatchObject({ enabled: false });
    await expect(TcpProbe.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await api("POST", "/proxies/second", { enabled: true });
    await roundTripMs(listen, "back");

    expect((await api("DELETE", "/proxies/second")).status).toBe(204);
    await expect(TcpProbe.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("POST /reset removes every toxic and enables every proxy", async () => {
    await api("POST", "/proxies/grpc", { enabled: false });
    expect((await api("POST", "/reset")).status).toBe(204);
    expect((await api("GET", "/proxies/grpc")).json).toMatchObject({ enabled: true, toxics: [] });
  });

  it("answers bad requests with toxiproxy-style errors and stable codes", async () => {
    expect(await api("GET", "/proxies/nope")).toEqual({
      status: 404,
      json: { error: 'proxy "nope" not found', status: 404, code: "PROXY_NOT_FOUND" },
    });
    expect(await api("POST", "/proxies/grpc/toxics", { type: "latency" })).toMatchObject({
      status: 409,
      json: { code: "TOXIC_EXISTS" },
    });
    expect(await api("POST", "/proxies/grpc/toxics", { type: "lag" })).toMatchObject({
      status: 400,
      json: { code: "UNKNOWN_TOXIC_TYPE" },
    });
    expect(await api("POST", "/proxies/grpc/toxics", "{not json")).toMatchObject({ status: 400 });
    expect(await api("POST", "/proxies", { name: "grpc", upstream: echo.address })).toMatchObject({ status: 409 });
    expect(await api("POST", "/proxies", { name: "far", upstream: echo.address, listen: "0.0.0.0:0" })).toMatchObject({
      status: 400,
      json: { code: "INVALID_ADDRESS" },
    });
    expect(await api("DELETE", "/proxies/grpc/toxics/none")).toMatchObject({ status: 404 });
    expect(await api("GET", "/elsewhere")).toMatchObject({ status: 404 });
  });
});
