import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolBridge, ToolCommunicationError, ToolExecutionError } from "./index.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

// Counterpart of the spec's test_resource_limits.py, against a real host.

const MB = 1024 * 1024;

/** Both refusals, the client's own and the host's: ToolExecutionError "MessageTooLarge", as in Python. */
function expectMessageTooLarge(error: unknown): void {
  expect(error).toBeInstanceOf(ToolExecutionError);
  expect(error).not.toBeInstanceOf(ToolCommunicationError);
  expect(error).toMatchObject({ code: "MessageTooLarge", errorType: "MessageTooLarge", toolName: "echo_tool" });
  expect(String(error).toLowerCase()).toContain("message too large");
}

let host: TestHost;
let bridge: ToolBridge;

beforeAll(async () => {
  host = await startTestHost();
  bridge = new ToolBridge(host.host.address);
  await bridge.initialize("large_payload_test");
});

afterAll(async () => {
  await bridge.close();
  await host.stop();
});

describe("resource limits", () => {
  it("round-trips 9 MB and refuses 11 MB with 'message too large'", async () => {
    const echo = bridge.tool("echo_tool");
    const large = "x".repeat(9 * MB);
    const result = await echo(large);
    expect(typeof result === "string" && result.length).toBe(large.length);

    const error = await echo("x".repeat(11 * MB)).catch((e: unknown) => e);
    expectMessageTooLarge(error);
    expect(String(error)).toContain("Attempted to send message"); // grpc-js refused it, nothing was sent

    // The refusal leaves the channel usable.
    expect(await echo("small")).toBe("small");
  });

  it("raises the same error when the host refuses the message as when the client does (Python parity)", async () => {
    // A client allowing 20 MB sends 11 MB: the host refuses it, not grpc-js.
    const generous = new ToolBridge(host.host.address, { maxMessageBytes: 20 * MB, retry: false });
    try {
      await generous.initialize("large_payload_host_refusal");
      const error = await generous
        .tool("echo_tool")("x".repeat(11 * MB))
        .catch((e: unknown) => e);
      expectMessageTooLarge(error);
      expect((error as ToolExecutionError).details).toMatchObject({ limit: String(10 * MB) }); // the host's ErrorInfo
      expect(await generous.tool("echo_tool")("small")).toBe("small");
    } finally {
      await generous.close();
    }
  });

  it("keeps memory bounded over 1000 calls", async () => {
    const tool = bridge.tool("simple_tool");
    const initial = process.memoryUsage().rss / MB;
    for (let i = 0; i < 1000; i++) {
      expect(await tool(`iteration_${i}`)).toBe(`ok:iteration_${i}`);
      if (i % 100 === 0) {
        // Generous bounds (the spec's): growth is measured, not timed.
        expect(process.memoryUsage().rss / MB - initial).toBeLessThan(100);
      }
    }
    globalThis.gc?.();
    expect(process.memoryUsage().rss / MB - initial).toBeLessThan(50);
  });
});
