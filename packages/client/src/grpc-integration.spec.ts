import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolBridge, ToolBridgeError, ToolCommunicationError, ToolExecutionError } from "./index.js";
import { startTestHost, type TestHost } from "./test-support/test-host.js";

// Counterpart of the spec's test_grpc_integration.py, against a real host
// instead of grpc_testing's scripted server.

let host: TestHost;
let bridge: ToolBridge;

beforeAll(async () => {
  host = await startTestHost();
  bridge = new ToolBridge(host.host.address);
});

afterAll(async () => {
  await bridge.close();
  await host.stop();
});

describe("gRPC integration", () => {
  it("initializes a session and lists its tools", async () => {
    const tools = await bridge.initialize("test_session", { metadata: { owner: "suite" } });
    expect(bridge.sessionId).toBe("test_session");
    expect(Object.keys(tools)).toContain("calculate_sum");
    expect(bridge.summary.toolCount).toBe(Object.keys(tools).length);
    const info = await bridge.session.info();
    expect(info.sessionId).toBe("test_session");
    expect(info.metadata.owner).toBe("suite");
  });

  it("refuses to open the same session twice", async () => {
    const other = new ToolBridge(host.host.address);
    const error = await other.initialize("test_session").catch((e: unknown) => e);
    await other.close();
    expect(error).toBeInstanceOf(ToolBridgeError);
    expect((error as ToolBridgeError).code).toBe("AlreadyExists");
  });

  it("executes a tool by name", async () => {
    expect(await bridge.executeTool("calculate_sum", 40, 2)).toBe(42);
  });

  it("reports an unknown tool as ToolNotFound", async () => {
    const error = await bridge.executeTool("no_such_tool", 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toMatchObject({ errorType: "ToolNotFound", code: "ToolNotFound" });
    expect(String(error)).toContain("no_such_tool");
  });

  it("streams a tool's chunks", async () => {
    const results: unknown[] = [];
    for await (const chunk of bridge.streamTool("process_data", [1, 2])) results.push(chunk);
    expect(results).toEqual(["chunk_1", "chunk_2"]);
  });

  it("streams through the proxy with keyword arguments", async () => {
    const results: unknown[] = [];
    for await (const chunk of bridge.tool("process_data").stream({ items: [7] })) results.push(chunk);
    expect(results).toEqual(["chunk_7"]);
  });

  it("batch results equal sequential results, in order, with failures in place", async () => {
    const calls = Array.from({ length: 50 }, (_, i) => ({ tool: "calculate_sum", args: [i, 1] }));
    const sequential: unknown[] = [];
    for (const call of calls) sequential.push(await bridge.executeTool(call.tool, ...call.args));
    expect(await bridge.executeBatch(calls)).toEqual(sequential);
    expect(await bridge.executeBatch(calls, { parallel: true, maxParallel: 8 })).toEqual(sequential);

    const mixed = await bridge.executeBatch([
      { tool: "calculate_sum", args: [1, 1] },
      { tool: "calculate_sum", args: [-1, 1] },
      { tool: "calculate_sum", kwargs: { a: 2, b: 2 } },
    ]);
    expect(mixed[0]).toBe(2);
    expect(mixed[1]).toBeInstanceOf(ToolExecutionError);
    expect((mixed[1] as ToolExecutionError).errorType).toBe("ValidationError");
    expect(mixed[2]).toBe(4);
  });

  it("stops a batch at the first failure when asked, reporting the rest as Cancelled", async () => {
    const results = await bridge.executeBatch(
      [
        { tool: "calculate_sum", args: [-1, 1] },
        { tool: "calculate_sum", args: [1, 1] },
      ],
      { stopOnError: true },
    );
    expect((results[0] as ToolExecutionError).errorType).toBe("ValidationError");
    // Cancelled is a transport-type outcome: a ToolCommunicationError, as in the Python client.
    expect(results[1]).toBeInstanceOf(ToolCommunicationError);
    expect(results[1]).toMatchObject({ errorType: "Cancelled", code: "CANCELLED", toolName: "calculate_sum" });
  });

  it("splits batches over the per-request item limit", async () => {
    const calls = Array.from({ length: 130 }, (_, i) => ({ tool: "calculate_sum", args: [i, 0] }));
    expect(await bridge.executeBatch(calls, { parallel: true })).toEqual(calls.map((_, i) => i));
  });

  it("a closed bridge refuses calls with FailedPrecondition", async () => {
    const closing = new ToolBridge(host.host.address);
    await closing.initialize("closing");
    await closing.close();
    const call = await closing.executeTool("calculate_sum", 1, 2).catch((e: unknown) => e);
    expect((call as ToolBridgeError).code).toBe("FailedPrecondition");
    const stream = await (async () => {
      for await (const _ of closing.streamTool("process_data", [1]));
    })().catch((e: unknown) => e);
    expect((stream as ToolBridgeError).code).toBe("FailedPrecondition");
  });
});
