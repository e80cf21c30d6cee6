import { create } from "@bufbuild/protobuf";
import type { ServerWritableStream } from "@grpc/grpc-js";
import { defineTool } from "@toolbridge/host";
import { ExecuteAgentResponseSchema, InitializeSessionResponseSchema } from "@toolbridge/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
// The CLI's offline demo tools: the real `calculate` the spec's e2e case names.
import { demoTools } from "../../cli/src/demo/index.js";
import { type AgentEvent, ProtocolError, ToolBridge, ToolCommunicationError, ToolExecutionError } from "./index.js";
import { startScriptedServer } from "./test-support/scripted-server.js";
import { startTestHost } from "./test-support/test-host.js";

// Counterpart of the spec's agent e2e test (execute_agent_streaming), against a real host.

const open: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await ("close" in item ? item.close() : item.stop());
});

async function connect(options: Parameters<typeof startTestHost>[0], sessionId: string) {
  const host = await startTestHost(options);
  open.push(host);
  const bridge = new ToolBridge(host.host.address, { retry: false });
  open.push(bridge);
  await bridge.initialize(sessionId);
  return { host, bridge };
}

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const seen: AgentEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

/** Test double: a `calculate` that blocks until its call is cancelled, so a run stops mid-action. */
function blockingCalculate() {
  let started!: (signal: AbortSignal) => void;
  const calls = new Promise<AbortSignal>((resolve) => {
    started = resolve;
  });
  const tool = defineTool({
    name: "calculate",
    description: "Blocks until cancelled (test double)",
    input: z.object({ expression: z.string() }),
    handler: (_args, ctx) =>
      new Promise<number>((_resolve, reject) => {
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
        started(ctx.signal);
      }),
  });
  return { tool, firstCall: calls };
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

describe("agents", () => {
  it("spec e2e: 'What is 2 + 2?' on the scripted model calls calculate and answers 4", async () => {
    const { bridge } = await connect({ tools: demoTools(), llm: { provider: "scripted" } }, "agent-e2e");
    const agent = await bridge.createReactAgent("question -> answer", {
      toolNames: ["search_web", "calculate"],
      maxIters: 3,
    });
    expect(agent.agentId).toMatch(/^agent_/);
    expect(agent).toMatchObject({ inputFields: ["question"], outputFields: ["answer"] });

    const events = await collect(bridge.executeAgentStreaming(agent.agentId, { question: "What is 2 + 2?" }));
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i));
    const thoughts = events.filter((e) => e.type === "thought");
    const actions = events.filter((e) => e.type === "action");
    const observations = events.filter((e) => e.type === "observation");
    const results = events.filter((e) => e.type === "result");
    expect(thoughts.length).toBeGreaterThanOrEqual(1);
    expect(thoughts[0]?.text).not.toBe("");
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(actions[0]).toMatchObject({ toolName: "calculate", toolInput: { expression: "2 + 2" }, step: 1 });
    expect(observations[0]).toMatchObject({ type: "observation", toolOutput: 4, success: true, error: null });
    expect(observations[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(results).toHaveLength(1);
    expect(String(results[0]?.finalAnswer.answer)).toContain("4");
    expect(results[0]?.totalSteps).toBe(2);
    expect(events.at(-1)?.type).toBe("result");
    // The Python client's dict keys, camelCase.
    expect(Object.keys(actions[0] ?? {}).sort()).toEqual(["sequence", "step", "toolInput", "toolName", "type"]);
    expect(Object.keys(observations[0] ?? {}).sort()).toEqual(
      ["durationMs", "error", "sequence", "step", "success", "toolOutput", "type"].sort(),
    );
    expect(Object.keys(results[0] ?? {}).sort()).toEqual(["finalAnswer", "sequence", "totalSteps", "type"]);
  });

  it("refuses to create an agent on a host without an LLM, saying how to configure one", async () => {
    const { bridge } = await connect({ tools: demoTools() }, "agent-no-llm");
    const error = await bridge.createReactAgent("question -> answer").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toMatchObject({ code: "FailedPrecondition", errorType: "FailedPrecondition" });
    expect((error as Error).message).toContain("--llm scripted");
    expect((error as Error).message).toContain("--llm openai --llm-base-url URL --llm-model NAME");
  });

  it("rejects a bad signature with InvalidArgument", async () => {
    const { bridge } = await connect({ tools: demoTools(), llm: { provider: "scripted" } }, "agent-bad-sig");
    const error = await bridge.createReactAgent("question answer").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toMatchObject({ code: "InvalidArgument" });
  });

  it("throws AgentNotFound for an unknown agent", async () => {
    const { bridge } = await connect({ tools: demoTools(), llm: { provider: "scripted" } }, "agent-unknown");
    const error = await collect(bridge.executeAgentStreaming("agent_nope", { question: "?" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toMatchObject({ code: "AgentNotFound", errorType: "AgentNotFound" });
  });

  it("cancels the run and its tool call when the signal fires, after yielding what arrived", async () => {
    const calculate = blockingCalculate();
    const { bridge } = await connect({ tools: [calculate.tool], llm: { provider: "scripted" } }, "agent-abort");
    const { agentId } = await bridge.createReactAgent("question -> answer");
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of bridge.executeAgentStreaming(
        agentId,
        { question: "1 + 1" },
        { signal: controller.signal },
      )) {
        seen.push(event.type);
        if (event.type === "action") {
          await calculate.firstCall; // the tool call is under way on the host
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({ errorType: "Cancelled", code: "CANCELLED" });
    expect(seen).toEqual(["thought", "action"]);
    // The host stopped the tool call too (this hangs, failing the test, if it never does).
    await whenAborted(await calculate.firstCall);
  });

  it("yields the run's failure as its last event, like the Python client", async () => {
    const calculate = blockingCalculate();
    const { bridge } = await connect({ tools: [calculate.tool], llm: { provider: "scripted" } }, "agent-ended");
    const { agentId } = await bridge.createReactAgent("question -> answer");
    const events: AgentEvent[] = [];
    for await (const event of bridge.executeAgentStreaming(agentId, { question: "3 * 3" })) {
      events.push(event);
      if (event.type === "action") {
        await calculate.firstCall;
        await bridge.session.cleanup({ force: true });
      }
    }
    expect(events.map((e) => e.type)).toEqual(["thought", "action", "error"]);
    expect(events.at(-1)).toMatchObject({ type: "error", errorType: "SessionExpired" });
    expect(Object.keys(events.at(-1) ?? {}).sort()).toEqual(
      ["details", "errorType", "message", "sequence", "toolName", "type"].sort(),
    );
  });
});

describe("agent stream protocol checks", () => {
  async function scriptedRun(events: ReturnType<typeof create<typeof ExecuteAgentResponseSchema>>[]) {
    const server = await startScriptedServer({
      InitializeSession: (_call: unknown, callback: (e: null, r: unknown) => void) =>
        callback(null, create(InitializeSessionResponseSchema, { success: true })),
      ExecuteAgent: (call: ServerWritableStream<unknown, unknown>) => {
        for (const event of events) call.write(event);
        call.end();
      },
    });
    open.push(server);
    const bridge = new ToolBridge(server.address, { retry: false });
    open.push(bridge);
    await bridge.initialize("scripted");
    const seen: AgentEvent[] = [];
    const error = await (async () => {
      for await (const event of bridge.executeAgentStreaming("agent_1", {})) seen.push(event);
    })().catch((e: unknown) => e);
    return { seen, error };
  }

  const thought = (sequence: bigint) =>
    create(ExecuteAgentResponseSchema, { sequence, chunk: { case: "thought", value: { text: "hm", step: 1 } } });

  it("throws ProtocolError after the events when a run ends without a result or error", async () => {
    const { seen, error } = await scriptedRun([thought(0n)]);
    expect(seen.map((e) => e.type)).toEqual(["thought"]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(String(error)).toContain("without a result or error");
  });

  it("throws ProtocolError on a sequence gap", async () => {
    const { seen, error } = await scriptedRun([thought(0n), thought(2n)]);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(String(error)).toContain("expected 1");
  });
});
