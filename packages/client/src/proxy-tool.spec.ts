import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  kwargs,
  ToolBridge,
  ToolBridgeError,
  ToolCommunicationError,
  ToolExecutionError,
  ValidationError,
} from "./index.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

// Counterpart of the spec's test_async_grpc_proxy_tool.py, against a real host.

let host: TestHost;
let bridge: ToolBridge;

beforeAll(async () => {
  host = await startTestHost();
  bridge = new ToolBridge(host.host.address);
  await bridge.initialize("test_session_123");
});

afterAll(async () => {
  await bridge.close();
  await host.stop();
});

describe("proxy tool", () => {
  it("executes with positional arguments: 5 + 37 = 42", async () => {
    const tool = bridge.tool("calculate_sum");
    expect(tool.spec.name).toBe("calculate_sum");
    expect(tool.spec.arguments.map((argument) => argument.name)).toEqual(["a", "b"]);
    expect(await tool(5, 37)).toBe(42);
  });

  it("executes with keyword arguments and with both", async () => {
    const tool = bridge.tool("calculate_sum");
    expect(await tool({ a: 40, b: 2 })).toBe(42);
    expect(await tool(40, kwargs({ b: 3 }))).toBe(43);
    expect(await tool.call([1, 2])).toBe(3);
    expect(await tool.call({ a: 2, b: 2 })).toBe(4);
  });

  it("raises ToolExecutionError for a failed execution, naming tool, type and field", async () => {
    const error = await bridge
      .tool("calculate_sum")(-5, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toBeInstanceOf(ValidationError);
    const failure = error as ValidationError;
    expect(failure.toolName).toBe("calculate_sum");
    expect(failure.errorType).toBe("ValidationError");
    expect(failure.code).toBe("ValidationError");
    expect(failure.fields.map((field) => field.field)).toEqual(["a"]);
    expect(failure.details.a).toBeDefined();
    expect(failure.requestId).not.toBe("");
  });

  it("raises ToolCommunicationError UNAVAILABLE when the host is gone", async () => {
    const gone = await startTestHost();
    const client = new ToolBridge(gone.host.address, { retry: false });
    await client.initialize("gone");
    await gone.stop();
    const error = await client
      .tool("calculate_sum")(5, 10)
      .catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toBeInstanceOf(ToolBridgeError);
    expect(error).toMatchObject({ toolName: "calculate_sum", code: "UNAVAILABLE", errorType: "Unavailable" });
  });

  it("times out when the call outlives its deadline, and the handler sees it", async () => {
    const signalsBefore = host.probe.signals.length;
    const error = await bridge
      .tool("blocking_tool")
      .call({}, { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({
      code: "DEADLINE_EXCEEDED",
      errorType: "DeadlineExceeded",
      toolName: "blocking_tool",
    });
    const handlerSignal = host.probe.signals[signalsBefore];
    await new Promise<void>((resolve) => {
      if (handlerSignal?.aborted) resolve();
      else handlerSignal?.addEventListener("abort", () => resolve());
    });
    expect(handlerSignal?.aborted).toBe(true);
  });
});
