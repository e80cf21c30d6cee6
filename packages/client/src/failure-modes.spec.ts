import { FaultProxy } from "@toolbridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  RateLimitedError,
  SessionExpiredError,
  ToolBridge,
  ToolCommunicationError,
  ToolExecutionError,
} from "./index.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

// Counterpart of the spec's test_failure_modes.py against a real host: the
// connection is dropped for real by a TCP proxy, the timeout comes from a
// handler that hangs, the session really ends. The malformed-protobuf case
// needs a server that sends garbage: see protocol-violations.spec.ts.

let host: TestHost;
const bridges: ToolBridge[] = [];

function bridgeTo(address: string, options: ConstructorParameters<typeof ToolBridge>[1] = {}): ToolBridge {
  const bridge = new ToolBridge(address, options);
  bridges.push(bridge);
  return bridge;
}

/** Resolves once the host handler's signal has fired; the test times out otherwise. */
function whenAborted(signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal === undefined) return resolve(false);
    if (signal.aborted) return resolve(true);
    signal.addEventListener("abort", () => resolve(true), { once: true });
  });
}

beforeAll(async () => {
  host = await startTestHost();
});

afterEach(async () => {
  for (const bridge of bridges.splice(0)) await bridge.close();
});

afterAll(async () => {
  await host.stop();
});

describe("failure modes", () => {
  it("keeps the chunks received before a connection drop, then raises UNAVAILABLE; later calls reconnect", async () => {
    const proxy = await FaultProxy.start({ upstream: host.host.address });
    try {
      const bridge = bridgeTo(proxy.address);
      const tools = await bridge.initialize("failure_test");
      const results: unknown[] = [];
      const error = await (async () => {
        for await (const chunk of bridge.tool("large_data_processor").stream(1000)) {
          results.push(chunk);
          if (results.length === 2) await proxy.disable();
        }
      })().catch((e: unknown) => e);

      expect(results).toEqual(["part_0", "part_1"]);
      expect(error).toBeInstanceOf(ToolCommunicationError);
      expect(error).toMatchObject({ code: "UNAVAILABLE", errorType: "Unavailable", toolName: "large_data_processor" });

      await proxy.enable();
      expect(await tools.calculate_sum?.(1, 2)).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it("a connection that goes silent mid-stream is detected by keepalive: UNAVAILABLE, never a hang", async () => {
    const proxy = await FaultProxy.start({ upstream: host.host.address });
    try {
      // Short keepalive so the test does not wait the default 30 s + 10 s.
      const bridge = bridgeTo(proxy.address, {
        channelOptions: { "grpc.keepalive_time_ms": 200, "grpc.keepalive_timeout_ms": 200 },
      });
      await bridge.initialize("blackhole_test");
      const results: unknown[] = [];
      const error = await (async () => {
        for await (const chunk of bridge.tool("large_data_processor").stream(1000)) {
          results.push(chunk);
          if (results.length === 2) {
            proxy.addToxic({ type: "timeout", stream: "downstream", attributes: { timeout: 0 } });
            proxy.addToxic({ type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
          }
        }
      })().catch((e: unknown) => e);
      expect(results).toEqual(["part_0", "part_1"]);
      expect(error).toBeInstanceOf(ToolCommunicationError);
      expect((error as ToolCommunicationError).code).toBe("UNAVAILABLE");
    } finally {
      await proxy.close();
    }
  });

  it("retries an attempt that timed out, with the same request, until one succeeds", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("timeout_test");
    const result = await bridge.executeWithRetry("flaky_tool", [], { maxRetries: 2, attemptTimeoutMs: 300 });
    expect(result).toBe("success");
    expect(host.probe.calls.get("flaky_tool")).toBe(2);
    const [first, second] = host.probe.flakyRequestIds;
    expect(second).toBe(first);
    // The abandoned first attempt was cancelled on the host, not left running.
    expect(await whenAborted(host.probe.signals.at(-1))).toBe(true);
  });

  it("raises SessionExpired after the session was cleaned up", async () => {
    const bridge = bridgeTo(host.host.address);
    const tools = await bridge.initialize("crash_test");
    await bridge.session.cleanup({ force: true });
    const error = await tools.simple_tool?.("input").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect((error as ToolExecutionError).errorType).toBe("SessionExpired");
  });

  it("honours retry_after of a RateLimitExceeded outcome, then gives up after maxRetries", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("rate_limit_test");
    const started = performance.now();
    const error = await bridge.executeWithRetry("rate_limited_tool", [], { maxRetries: 1 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ errorType: "RateLimitExceeded", retryAfterMs: 200 });
    expect(host.probe.calls.get("rate_limited_tool")).toBe(2);
    // A lower bound only: the retry may not come before the host said it could.
    expect(elapsed).toBeGreaterThanOrEqual(200);
  });

  it("waits out the host's session rate limit and succeeds", async () => {
    const limited = await startTestHost({ sessionRateLimit: { perMinute: 300, burst: 1 } });
    try {
      const bridge = bridgeTo(limited.host.address, { retry: false });
      const tools = await bridge.initialize("limited");
      expect(await tools.simple_tool?.("first")).toBe("ok:first");

      const refused = await tools.simple_tool?.("second").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(0);

      expect(await bridge.executeWithRetry("simple_tool", ["third"], { maxRetries: 3 })).toBe("ok:third");
    } finally {
      await limited.stop();
    }
  });
});

describe("cancellation", () => {
  it("an aborted call rejects and the host handler's signal fires", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("abort_call");
    const controller = new AbortController();
    const before = host.probe.signals.length;
    const call = bridge.tool("blocking_tool").call({}, { signal: controller.signal });
    while (host.probe.signals.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();

    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({ errorType: "Cancelled", code: "CANCELLED" });
    expect(await whenAborted(host.probe.signals[before])).toBe(true);
  });

  it("an aborted stream throws Cancelled after its chunks and the host handler's signal fires", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("abort_stream");
    const controller = new AbortController();
    const before = host.probe.signals.length;
    const results: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of bridge.tool("large_data_processor").openStream([10], { signal: controller.signal })) {
        results.push(chunk);
        if (results.length === 2) controller.abort();
      }
    })().catch((e: unknown) => e);

    expect(results).toEqual(["part_0", "part_1"]);
    expect(error).toMatchObject({ errorType: "Cancelled", code: "CANCELLED" });
    expect(await whenAborted(host.probe.signals[before])).toBe(true);
  });

  it("leaving a stream loop early cancels the call on the host", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("break_stream");
    const before = host.probe.signals.length;
    for await (const chunk of bridge.tool("large_data_processor").stream(10)) {
      expect(chunk).toBe("part_0");
      break;
    }
    expect(await whenAborted(host.probe.signals[before])).toBe(true);
  });

  it("an already aborted signal sends nothing", async () => {
    const bridge = bridgeTo(host.host.address);
    await bridge.initialize("abort_before");
    const before = host.probe.signals.length;
    const error = await bridge
      .tool("blocking_tool")
      .call({}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorType: "Cancelled", code: "CANCELLED" });
    expect(host.probe.signals.length).toBe(before);
  });
});
