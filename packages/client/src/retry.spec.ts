import { create } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { ErrorInfoSchema, ToolBridgeError } from "@toolbridge/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError, ToolBridge, ToolCommunicationError } from "./index.js";
import { backoffMs, retryDelayMs } from "./retry.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

const unavailable = new ToolCommunicationError("Unavailable", "UNAVAILABLE", status.UNAVAILABLE, "down");
const deadline = new ToolCommunicationError("DeadlineExceeded", "DEADLINE_EXCEEDED", status.DEADLINE_EXCEEDED, "late");

describe("retry decisions", () => {
  it("retries UNAVAILABLE and nothing else by default", () => {
    expect(retryDelayMs(unavailable, 0, undefined, false)).toBeGreaterThan(0);
    expect(retryDelayMs(deadline, 0, undefined, false)).toBeUndefined();
    expect(retryDelayMs(new ToolBridgeError("InternalError", "x"), 0, undefined, false)).toBeUndefined();
  });

  it("retries a deadline only when it was the attempt's own timeout", () => {
    expect(retryDelayMs(deadline, 0, undefined, true)).toBeGreaterThan(0);
  });

  it("never retries a rate limit sooner than retry_after", () => {
    const limited = new RateLimitedError(create(ErrorInfoSchema, { type: "RateLimitExceeded", retryAfterMs: 700n }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), (retry) => {
        expect(retryDelayMs(limited, retry, undefined, false)).toBeGreaterThanOrEqual(700);
      }),
    );
  });

  it("backs off exponentially within the jitter band and the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, jitter) => {
        const options = { initialMs: 10, maxMs: 1_000, multiplier: 2, jitter };
        const ceiling = Math.min(1_000, 10 * 2 ** retry);
        const delay = backoffMs(retry, options);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(delay).toBeGreaterThanOrEqual(ceiling * (1 - jitter));
      }),
    );
  });
});

describe("deadline over retries", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.stop();
  });

  it("the overall deadline bounds all attempts", async () => {
    const bridge = new ToolBridge(host.host.address);
    await bridge.initialize("bounded");
    const before = host.probe.signals.length;
    const error = await bridge
      .executeWithRetry("blocking_tool", {}, { maxRetries: 50, attemptTimeoutMs: 100, timeoutMs: 350 })
      .catch((e: unknown) => e);
    await bridge.close();
    expect(error).toMatchObject({ code: "DEADLINE_EXCEEDED" });
    // Attempts run one after another for at least 100 ms each: at most 4 fit in 350 ms, far from 51.
    expect(host.probe.signals.length - before).toBeLessThanOrEqual(4);
    expect(host.probe.signals.length - before).toBeGreaterThanOrEqual(1);
  });
});
