import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EchoServer, startEchoServer } from "./echo-server.js";
import { FaultProxy } from "./fault-proxy.js";
import { TcpProbe } from "./tcp-probe.js";
import { waitFor } from "./wait-for.js";

let echo: EchoServer;
let proxy: FaultProxy;
const probes: TcpProbe[] = [];

async function probe(): Promise<TcpProbe> {
  const connected = await TcpProbe.connect(proxy.address);
  probes.push(connected);
  return connected;
}

/** Buffer.equals, because deep equality walks large buffers byte by byte and is slow. */
function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

/** Sends `payload` through the proxy to the echo server and back; returns the elapsed ms. */
async function timedRoundTrip(client: TcpProbe, payload: Buffer): Promise<number> {
  const before = client.receivedBytes;
  const started = performance.now();
  client.send(payload);
  const received = await client.receive(before + payload.length);
  expectBytes(received.subarray(before), payload);
  return performance.now() - started;
}

beforeEach(async () => {
  echo = await startEchoServer();
  proxy = await FaultProxy.start({ upstream: echo.address });
});

afterEach(async () => {
  for (const client of probes.splice(0)) client.destroy();
  await proxy.close();
  await echo.close();
});

describe("FaultProxy forwarding", () => {
  it("forwards both directions and counts bytes and connections", async () => {
    const client = await probe();
    const payload = randomBytes(256 * 1024);
    await timedRoundTrip(client, payload);
    expect(proxy.bytes).toEqual({ upstream: payload.length, downstream: payload.length });
    expect(proxy.connections).toBe(1);
    expect(proxy.acceptedConnections).toBe(1);
    client.destroy();
    await waitFor(() => proxy.connections === 0);
  });

  it("keeps the other direction open after a half-close", async () => {
    // An upstream that answers only once the client has finished sending (FIN).
    const replyOnEnd: Server = createServer({ allowHalfOpen: true }, (socket) => {
      const parts: Buffer[] = [];
      socket.on("data", (data: Buffer) => parts.push(data));
      socket.on("end", () => setTimeout(() => socket.end(Buffer.concat(parts).reverse()), 20));
    });
    await new Promise<void>((resolve) => replyOnEnd.listen(0, "127.0.0.1", resolve));
    const port = (replyOnEnd.address() as { port: number }).port;
    const halfCloseProxy = await FaultProxy.start({ upstream: `127.0.0.1:${port}` });
    try {
      const client = await TcpProbe.connect(halfCloseProxy.address);
      const payload = randomBytes(10_000);
      client.socket.end(payload);
      const outcome = await client.closed;
      expect(outcome).toEqual({ endedByPeer: true });
      expectBytes(client.received(), Buffer.from(payload).reverse());
      await waitFor(() => halfCloseProxy.connections === 0);
    } finally {
      await halfCloseProxy.close();
      await new Promise((resolve) => replyOnEnd.close(resolve));
    }
  });

  it("serves many concurrent connections with every byte intact, through toxics too", async () => {
    proxy.addToxic({ type: "slicer", stream: "upstream", attributes: { average_size: 4096, size_variation: 1024 } });
    proxy.addToxic({ type: "latency", stream: "downstream", attributes: { latency: 20, jitter: 5 } });
    const clients = await Promise.all(Array.from({ length: 40 }, () => probe()));
    const payloads = clients.map(() => randomBytes(32 * 1024));
    await Promise.all(clients.map((client, i) => timedRoundTrip(client, payloads[i] as Buffer)));
    expect(proxy.connections).toBe(40);
    expect(proxy.bytes.downstream).toBe(40 * 32 * 1024);
  });

  it("turns an upstream that is down into a reset for the client", async () => {
    const downPort = echo.port;
    await echo.close();
    const client = await probe();
    expect((await client.closed).error?.code).toBe("ECONNRESET");
    expect(downPort).toBe(proxy.upstream.split(":").map(Number)[1]);
  });

  it("passes an upstream reset on to the client", async () => {
    const resetter = createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => resetter.listen(0, "127.0.0.1", resolve));
    proxy.upstream = `127.0.0.1:${(resetter.address() as { port: number }).port}`;
    try {
      const client = await probe();
      client.send("hello");
      expect((await client.closed).error?.code).toBe("ECONNRESET");
    } finally {
      await new Promise((resolve) => resetter.close(resolve));
    }
  });
});

describe("toxics", () => {
  it("latency delays each direction by at least its latency", async () => {
    const client = await probe();
    proxy.addToxic({ type: "latency", stream: "downstream", attributes: { latency: 100 } });
    expect(await timedRoundTrip(client, Buffer.from("ping"))).toBeGreaterThanOrEqual(90);
    proxy.removeToxic("latency_downstream");
    proxy.addToxic({ type: "latency", stream: "upstream", attributes: { latency: 100, jitter: 10 } });
    expect(await timedRoundTrip(client, Buffer.from("pong"))).toBeGreaterThanOrEqual(80);
  });

  it("bandwidth throttles to about the given rate", async () => {
    proxy.addToxic({ type: "bandwidth", stream: "downstream", attributes: { rate: 50 } });
    const client = await probe();
    // 30 KB at 50 KB/s takes about 600 ms.
    expect(await timedRoundTrip(client, randomBytes(30_000))).toBeGreaterThanOrEqual(450);
  });

  it("reset_peer with bytes lets exactly that many through, then resets the client", async () => {
    proxy.addToxic({ type: "reset_peer", stream: "downstream", attributes: { bytes: 1000 } });
    const client = await probe();
    const payload = randomBytes(5000);
    client.send(payload);
    const outcome = await client.closed;
    expect(outcome.error?.code).toBe("ECONNRESET");
    expectBytes(client.received(), payload.subarray(0, 1000));
  });

  it("reset_peer with a timeout resets connections that are already open", async () => {
    const client = await probe();
    await timedRoundTrip(client, Buffer.from("before"));
    proxy.addToxic({ type: "reset_peer", attributes: { timeout: 50 } });
    expect((await client.closed).error?.code).toBe("ECONNRESET");
    await waitFor(() => echo.accepted[0]?.destroyed);
  });

  it("timeout 0 blackholes a live connection until removed, then delivers what it held", async () => {
    const client = await probe();
    await timedRoundTrip(client, Buffer.from("warm-up"));
    proxy.addToxic({ name: "blackhole", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    client.send("held");
    await delay(200);
    expect(echo.accepted[0]?.bytesRead).toBe("warm-up".length);
    expect(client.receivedBytes).toBe("warm-up".length);
    proxy.removeToxic("blackhole");
    expect((await client.receive("warm-upheld".length)).toString()).toBe("warm-upheld");
  });

  it("a held link pushes back on the sender rather than buffering without bound", async () => {
    proxy.addToxic({ name: "hold", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    const client = await probe();
    const payload = randomBytes(32 * 1024 * 1024);
    client.send(payload);
    // Kernel buffers and the proxy's 1 MiB queue fill up; the rest stays with the sender.
    await waitFor(() => client.socket.writableLength > 0 && proxy.bytes.upstream === 0);
    await delay(100);
    expect(client.socket.writableLength).toBeGreaterThan(0);
    proxy.removeToxic("hold");
    expectBytes(await client.receive(payload.length, 20_000), payload);
  });

  it("timeout > 0 stops data and closes the connection after the timeout", async () => {
    proxy.addToxic({ type: "timeout", attributes: { timeout: 100 } });
    const client = await probe();
    client.send("never echoed");
    const outcome = await client.closed;
    expect(outcome).toEqual({ endedByPeer: true });
    expect(client.receivedBytes).toBe(0);
  });

  it("slicer delivers every byte intact in several chunks", async () => {
    proxy.addToxic({
      type: "slicer",
      stream: "downstream",
      attributes: { average_size: 64, size_variation: 16, delay: 3000 },
    });
    const client = await probe();
    await timedRoundTrip(client, randomBytes(1500));
    expect(client.chunks.length).toBeGreaterThanOrEqual(5);
  });

  it("limit_data closes the connection cleanly after that many bytes", async () => {
    proxy.addToxic({ type: "limit_data", stream: "downstream", attributes: { bytes: 1000 } });
    const client = await probe();
    const payload = randomBytes(3000);
    client.send(payload);
    expect(await client.closed).toEqual({ endedByPeer: true });
    expectBytes(client.received(), payload.subarray(0, 1000));
  });

  it("toxicity 0 never applies the toxic", async () => {
    proxy.addToxic({ type: "limit_data", toxicity: 0, attributes: { bytes: 0 } });
    const client = await probe();
    await timedRoundTrip(client, Buffer.from("still fine"));
  });

  it("updateToxic restarts the toxic with new attributes on open connections", async () => {
    const client = await probe();
    proxy.addToxic({ name: "slow", type: "latency", attributes: { latency: 0 } });
    await timedRoundTrip(client, Buffer.from("fast"));
    const updated = proxy.updateToxic("slow", { attributes: { latency: 100 } });
    expect(updated.attributes).toEqual({ latency: 100, jitter: 0 });
    expect(await timedRoundTrip(client, Buffer.from("slow"))).toBeGreaterThanOrEqual(90);
  });

  it("rejects invalid toxics with stable codes", () => {
    expect(() => proxy.addToxic({ type: "lag" })).toThrow(expect.objectContaining({ code: "UNKNOWN_TOXIC_TYPE" }));
    expect(() => proxy.addToxic({ type: "latency", attributes: { latency: -1 } })).toThrow(
      expect.objectContaining({ code: "INVALID_TOXIC" }),
    );
    expect(() => proxy.addToxic({ type: "latency", attributes: { delay: 5 } })).toThrow(
      expect.objectContaining({ code: "INVALID_TOXIC" }),
    );
    expect(() => proxy.addToxic({ type: "latency", stream: "sideways" })).toThrow(
      expect.objectContaining({ code: "INVALID_TOXIC" }),
    );
    proxy.addToxic({ type: "latency" });
    expect(() => proxy.addToxic({ type: "latency" })).toThrow(expect.objectContaining({ code: "TOXIC_EXISTS" }));
    expect(() => proxy.removeToxic("nope")).toThrow(expect.objectContaining({ code: "TOXIC_NOT_FOUND" }));
    expect(proxy.toxics).toEqual([
      {
        name: "latency_downstream",
        type: "latency",
        stream: "downstream",
        toxicity: 1,
        attributes: { latency: 0, jitter: 0 },
      },
    ]);
  });
});

describe("disable and enable", () => {
  it("refuses and cuts connections while disabled, and serves the same address again once enabled", async () => {
    const client = await probe();
    await timedRoundTrip(client, Buffer.from("up"));
    const address = proxy.address;
    await proxy.disable();
    expect(proxy.enabled).toBe(false);
    expect((await client.closed).endedByPeer).toBe(true);
    await expect(TcpProbe.connect(address)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await proxy.enable();
    expect(proxy.address).toBe(address);
    await timedRoundTrip(await probe(), Buffer.from("up again"));
  });

  it("only listens on loopback", async () => {
    await expect(FaultProxy.start({ upstream: echo.address, listen: "0.0.0.0:0" })).rejects.toMatchObject({
      code: "INVALID_ADDRESS",
    });
  });
});
