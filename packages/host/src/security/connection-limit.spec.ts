import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { credentials, status } from "@grpc/grpc-js";
import { encodeValue, type WatchVariablesResponse } from "@toolbridge/protocol";
import { generateTestCertificates } from "@toolbridge/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHost, type Host } from "../host.js";
import { expectGrpcFailure, type TestClient, testClient } from "../testing/client.js";
import type { ListenerTransport } from "./connection-limit.js";
import { auditCapture } from "./testing.js";

// HostOptions.maxConnections on real listeners: the connection over the cap is refused at once,
// the ones within keep being served, the cap frees up as connections close, and a burst of
// refusals is one audit line plus a count.

const hosts: Host[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(hosts.splice(0).map((host) => host.close({ graceMs: 100 })));
});

/** A client on a connection of its own (grpc-js otherwise shares one between clients of the same address). */
function ownConnection(address: string): TestClient {
  const client = testClient(address, { "grpc.use_local_subchannel_pool": 1 });
  clients.push(client);
  return client;
}

/** A TCP connection that says nothing; resolves when the host closes it (it never does under the cap). */
function closedByHost(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {}); // a reset is how the refusal looks from here
    socket.on("close", () => resolve());
  });
}

async function metric(host: Host, name: string, transport: ListenerTransport): Promise<number> {
  const line = (await host.metricsText()).split("\n").find((l) => l.startsWith(`${name}{transport="${transport}"}`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** Waits until the host has seen its connections close down to `open` (the close reaches it asynchronously). */
async function untilOpen(host: Host, transport: ListenerTransport, open: number): Promise<void> {
  await vi.waitFor(async () => expect(await metric(host, "toolbridge_connections_open", transport)).toBe(open), {
    timeout: 10_000,
    interval: 20,
  });
}

describe("gRPC connection cap", () => {
  it("refuses connections over the cap with UNAVAILABLE, serves the ones within, and frees slots as they close", async () => {
    const audit = auditCapture();
    const host = await createHost({
      port: 0,
      logLevel: "silent",
      maxConnections: 2,
      // One window for the whole test, so the audit lines are exact.
      audit: { destination: audit.destination, rateLimit: { windowMs: 600_000 } },
    });
    hosts.push(host);
    const first = ownConnection(host.address);
    const second = ownConnection(host.address);
    await first.unary("healthCheck", {});
    await second.unary("healthCheck", {});
    await untilOpen(host, "grpc", 2);

    const third = ownConnection(host.address);
    expect((await expectGrpcFailure(third.unary("healthCheck", {}))).code).toBe(status.UNAVAILABLE);
    third.close();
    await Promise.all(Array.from({ length: 20 }, () => closedByHost(host.port)));

    // The connections within the cap were never disturbed.
    await first.unary("healthCheck", {});
    await second.unary("healthCheck", {});

    second.close();
    await untilOpen(host, "grpc", 1);
    const fourth = ownConnection(host.address);
    await fourth.unary("healthCheck", {});
    expect(await metric(host, "toolbridge_connections_open", "grpc")).toBe(2);

    for (const client of clients.splice(0)) client.close();
    await host.close({ graceMs: 100 });
    hosts.splice(0);
    const refused = await metric(host, "toolbridge_connections_refused_total", "grpc");
    // The third client and the 20 sockets at least (grpc-js may have retried the third's connection).
    expect(refused).toBeGreaterThanOrEqual(21);
    const lines = audit.events.filter((e) => e.event === "connection_refused");
    expect(lines).toEqual([
      expect.objectContaining({ transport: "grpc", maxConnections: 2, remote: "127.0.0.1", level: 40 }),
    ]);
    expect(audit.events.filter((e) => e.event === "audit_suppressed")).toEqual([
      expect.objectContaining({
        suppressedEvent: "connection_refused",
        suppressed: refused - 1,
        topSources: [{ source: "grpc", suppressed: refused - 1 }],
      }),
    ]);
  });

  it("counts the open connections in the metrics", async () => {
    const host = await createHost({ port: 0, logLevel: "silent" });
    hosts.push(host);
    const client = ownConnection(host.address);
    await client.unary("healthCheck", {});
    await untilOpen(host, "grpc", 1);
    expect(await metric(host, "toolbridge_connections_refused_total", "grpc")).toBe(0);
  });

  it("refuses a maxConnections or handshakeTimeoutMs below 1 at startup", async () => {
    await expect(createHost({ port: 0, logLevel: "silent", maxConnections: 0 })).rejects.toThrow(
      /maxConnections must be an integer >= 1/,
    );
    await expect(createHost({ port: 0, logLevel: "silent", handshakeTimeoutMs: 0 })).rejects.toThrow(
      /handshakeTimeoutMs must be an integer >= 1/,
    );
  });
});

describe("silent connections", () => {
  it("are closed after handshakeTimeoutMs; a TLS client's connection with a stream open is not", async () => {
    const certs = generateTestCertificates();
    try {
      const host = await createHost({
        port: 0,
        logLevel: "silent",
        tls: { cert: certs.server.cert, key: certs.server.key },
        handshakeTimeoutMs: 300,
      });
      hosts.push(host);
      const client = testClient(host.address, {}, credentials.createSsl(Buffer.from(certs.ca)));
      clients.push(client);
      await client.unary("initializeSession", { sessionId: "watched" });
      const changes: WatchVariablesResponse[] = [];
      let streamError: unknown;
      const watch = client.stream("watchVariables", { sessionId: "watched", names: ["n"] });
      watch.on("data", (change: WatchVariablesResponse) => changes.push(change));
      watch.on("error", (error) => {
        streamError = error;
      });
      await client.unary("setVariable", { sessionId: "watched", name: "n", value: encodeValue(1) });
      await vi.waitFor(() => expect(changes).toHaveLength(1));

      // Opened after the client's connection: by the time its deadline ends, the client's has too.
      await closedByHost(host.port);

      await client.unary("setVariable", { sessionId: "watched", name: "n", value: encodeValue(2) });
      await vi.waitFor(() => expect(changes).toHaveLength(2));
      expect(streamError).toBeUndefined();
      watch.cancel();
    } finally {
      certs.dispose();
    }
  });
});

describe("gateway connection cap", () => {
  /** GET path on a connection of its own; rejects when the connection is refused. */
  function get(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("refuses connections over the cap and serves again once one closes", async () => {
    const host = await createHost({ port: 0, httpPort: 0, logLevel: "silent", maxConnections: 1 });
    hosts.push(host);
    const holder = connect({ host: "127.0.0.1", port: host.httpPort as number });
    holder.on("error", () => {});
    await new Promise((resolve) => holder.once("connect", resolve));
    await untilOpen(host, "http", 1);

    await expect(get(`${host.httpUrl}/healthz`)).rejects.toThrow();
    expect(await metric(host, "toolbridge_connections_refused_total", "http")).toBeGreaterThanOrEqual(1);

    holder.destroy();
    await untilOpen(host, "http", 0);
    expect(await get(`${host.httpUrl}/healthz`)).toBe(200);
    // The gRPC port has a cap of its own.
    const client = ownConnection(host.address);
    await client.unary("healthCheck", {});
  });
});
