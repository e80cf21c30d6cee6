import { ToolBridge, type ToolBridgeOptions, ToolCommunicationError } from "@toolbridge/client";
import { createHost, type Host } from "@toolbridge/host";
import { FaultProxy, waitFor } from "@toolbridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failure } from "../../packages/host/src/testing/failure.js";
import { countingTools, ToolCounter } from "./counting-tools.js";

// Faults injected for real by a TCP proxy between a TypeScript client and a real
// host. Each scenario asserts what the caller saw and what the host did (how
// often the counting tools ran, whether cancelled handlers were told).

/** grpc-js waits 1 s+ before reconnecting by default; a recovered link should be used at once. */
const FAST_RECONNECT = { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 300 };

let host: Host;
let counter: ToolCounter;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  counter = new ToolCounter();
  host = await createHost({ port: 0, host: "127.0.0.1", logLevel: "silent", tools: countingTools(counter) });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await host.close({ graceMs: 100 });
});

async function proxyToHost(): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ upstream: host.address });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function openBridge(address: string, sessionId: string, options: ToolBridgeOptions = {}): Promise<ToolBridge> {
  const bridge = new ToolBridge(address, {
    ...options,
    channelOptions: { ...FAST_RECONNECT, ...options.channelOptions },
  });
  cleanups.push(() => bridge.close());
  await bridge.initialize(sessionId);
  return bridge;
}

describe("faults between client and host", () => {
  it("reset mid-unary: the idempotent retry gets the outcome and the tool ran exactly once", async () => {
    const proxy = await proxyToHost();
    const bridge = await openBridge(proxy.address, "fault-reset-unary");
    const before = counter.total("gated");
    counter.close();
    const call = bridge.callTool("gated", { value: 21 }, { retry: { maxRetries: 3, backoff: { initialMs: 300 } } });
    await waitFor(() => counter.total("gated") === before + 1, { message: "the tool to start" });
    // The request is in; the first bytes of the answer trigger a RST to both sides.
    proxy.addToxic({ name: "cut", type: "reset_peer", stream: "downstream", attributes: { bytes: 0 } });
    counter.open();
    await waitFor(() => proxy.connections === 0, { message: "the reset" });
    proxy.removeToxic("cut");

    expect(await call).toBe(42);
    expect(counter.total("gated")).toBe(before + 1);
    // The answer came over a second connection: the first one was reset before any byte of it passed.
    expect(proxy.acceptedConnections).toBe(2);
  });

  it("reset mid-stream: the chunks before the cut arrive, then UNAVAILABLE; the host handler is cancelled", async () => {
    const proxy = await proxyToHost();
    const bridge = await openBridge(proxy.address, "fault-reset-stream");
    const seen: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of bridge.openStream("chunks", { count: 1000, intervalMs: 20 }, { retry: false })) {
          seen.push(chunk);
          if (seen.length === 3)
            proxy.addToxic({ type: "reset_peer", stream: "downstream", attributes: { timeout: 0 } });
        }
      })(),
    );
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seen.length).toBeLessThan(1000);
    expect(seen).toEqual(seen.map((_, i) => i)); // in order, none lost before the cut
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({ code: "UNAVAILABLE", errorType: "Unavailable" });
    await waitFor(() => counter.aborted.get("chunks") === 1, { message: "the host to cancel the stream handler" });
    proxy.removeAllToxics();
  });

  it("100 ms latency each way: deadlines are honoured within ±20% and the host stops the handler", async () => {
    const proxy = await proxyToHost();
    proxy.addToxic({ type: "latency", stream: "downstream", attributes: { latency: 100 } });
    proxy.addToxic({ type: "latency", stream: "upstream", attributes: { latency: 100 } });
    const bridge = await openBridge(proxy.address, "fault-latency");
    const abortedBefore = counter.aborted.get("slow") ?? 0;

    for (const deadlineMs of [600, 1500]) {
      const started = performance.now();
      const error = await failure(bridge.callTool("slow", { ms: 10_000 }, { timeoutMs: deadlineMs, retry: false }));
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({ errorType: "DeadlineExceeded" });
      expect(elapsed).toBeGreaterThanOrEqual(deadlineMs * 0.8);
      expect(elapsed).toBeLessThanOrEqual(deadlineMs * 1.2);
    }
    // The deadline travelled with the call: both handlers were stopped on the host.
    await waitFor(() => (counter.aborted.get("slow") ?? 0) === abortedBefore + 2, { message: "host-side cancel" });

    // A call that fits its deadline despite the latency succeeds.
    const started = performance.now();
    expect(await bridge.callTool("slow", { ms: 50 }, { timeoutMs: 2000 })).toBe(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // 2 x 100 ms latency + 50 ms work
  });

  it("blackholed connection: keepalive notices within 2x its timeout and calls fail fast afterwards", async () => {
    const proxy = await proxyToHost();
    const keepaliveTimeMs = 300;
    const keepaliveTimeoutMs = 300;
    const bridge = await openBridge(proxy.address, "fault-blackhole", {
      channelOptions: {
        "grpc.keepalive_time_ms": keepaliveTimeMs,
        "grpc.keepalive_timeout_ms": keepaliveTimeoutMs,
        "grpc.keepalive_permit_without_calls": 1,
      },
      retry: false,
    });
    const stream = bridge.openStream("chunks", { count: 1_000_000, intervalMs: 50 }, { retry: false });
    const seen: unknown[] = [];
    let blackholedAt = 0;
    const error = await failure(
      (async () => {
        for await (const chunk of stream) {
          seen.push(chunk);
          if (seen.length === 2) {
            proxy.addToxic({ name: "bh-down", type: "timeout", stream: "downstream", attributes: { timeout: 0 } });
            proxy.addToxic({ name: "bh-up", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
            blackholedAt = performance.now();
          }
        }
      })(),
    );
    const detectedAfter = performance.now() - blackholedAt;
    expect(error).toMatchObject({ code: "UNAVAILABLE" });
    // Worst case: the last ping went out just before the blackhole, so the next one is
    // keepaliveTime later and is declared lost keepaliveTimeout after that.
    expect(detectedAfter).toBeLessThanOrEqual(2 * (keepaliveTimeMs + keepaliveTimeoutMs));

    // While the link stays black, new calls fail by their deadline instead of hanging, and quickly.
    const started = performance.now();
    const next = await failure(bridge.callTool("echo", { value: 1 }, { timeoutMs: 1000, retry: false }));
    expect(next).toMatchObject({ errorType: expect.stringMatching(/^(Unavailable|DeadlineExceeded)$/) });
    expect(performance.now() - started).toBeLessThanOrEqual(1200);

    proxy.removeAllToxics();
    expect(await bridge.callTool("echo", { value: "back" }, { timeoutMs: 5000 })).toBe("back");
  });

  it("the spec's toxiproxy pair (latency 100 ms + timeout 500 ms): clear errors, no hang, then recovery", async () => {
    const proxy = await proxyToHost();
    const bridge = await openBridge(proxy.address, "fault-toxiproxy-pair");
    expect(await bridge.callTool("echo", { value: 0 })).toBe(0);
    proxy.addToxic({ type: "latency", attributes: { latency: 100 } });
    proxy.addToxic({ type: "timeout", attributes: { timeout: 500 } });

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const started = performance.now();
        try {
          return {
            value: await bridge.callTool("echo", { value: i }, { timeoutMs: 2000 }),
            ms: performance.now() - started,
          };
        } catch (error) {
          return { error, ms: performance.now() - started };
        }
      }),
    );
    for (const outcome of outcomes) {
      // Every call ends within its deadline (plus scheduling slack), never hangs.
      expect(outcome.ms).toBeLessThanOrEqual(2400);
      if ("error" in outcome)
        expect(outcome.error).toMatchObject({ errorType: expect.stringMatching(/^(Unavailable|DeadlineExceeded)$/) });
    }

    proxy.removeAllToxics();
    const runsBefore = counter.total("echo");
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => bridge.callTool("echo", { value: i })));
    expect(after).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(counter.total("echo")).toBe(runsBefore + 10);
  });
});
