import { ToolBridgeError } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "./events.js";
import { functionToolbox } from "./function-toolbox.js";
import { LAST_STEP_PROMPT } from "./prompt.js";
import { ReActAgent } from "./react-agent.js";
import { ScriptedLanguageModel } from "./scripted-model.js";
import { SignatureError } from "./signature.js";

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** "a op b" only: enough for these tests, and it fails loudly on anything else. */
function calculate(input: Record<string, unknown>): number {
  const match = /^\s*(-?\d+)\s*([-+*/])\s*(-?\d+)\s*$/.exec(String(input.expression));
  if (match === null) throw new Error(`cannot evaluate ${JSON.stringify(input.expression)}`);
  const [a, b] = [Number(match[1]), Number(match[3])];
  return { "+": a + b, "-": a - b, "*": a * b, "/": a / b }[match[2] as "+"];
}

const calculator = functionToolbox({
  calculate: {
    description: "Evaluates an arithmetic expression.",
    inputSchema: { type: "object", properties: { expression: { type: "string" } } },
    run: calculate,
  },
});

/** A promise that settles only when the signal aborts, as a hung model or tool would. */
function untilAborted(signal: AbortSignal | undefined, seen?: { aborted: boolean }): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => {
      if (seen) seen.aborted = true;
      reject(signal.reason);
    });
  });
}

const types = (events: AgentEvent[]) => events.map((e) => e.type);
const last = (events: AgentEvent[]) => events.at(-1) as AgentEvent;

describe("ReActAgent", () => {
  it("answers the spec's 'What is 2 + 2?' with the scripted rules and a real calculate tool", async () => {
    const agent = new ReActAgent({
      signature: "Question -> Answer",
      model: ScriptedLanguageModel.rules(),
      toolbox: calculator,
      maxIters: 3,
    });
    const events = await collect(agent.run({ question: "What is 2 + 2?" }));
    expect(types(events)).toEqual(["thought", "action", "observation", "thought", "result"]);
    expect(events[1]).toEqual({ type: "action", step: 1, toolName: "calculate", toolInput: { expression: "2 + 2" } });
    expect(events[2]).toMatchObject({ type: "observation", step: 1, success: true, output: 4 });
    expect(events[4]).toEqual({ type: "result", finalAnswer: { Answer: "4" }, totalSteps: 2 });
  });

  it("fills every output field of a multi-output signature from the scripted rules", async () => {
    const agent = new ReActAgent({
      signature: "question -> answer, explanation",
      model: ScriptedLanguageModel.rules(),
      toolbox: calculator,
    });
    expect(last(await collect(agent.run({ question: "7 * 6?" })))).toEqual({
      type: "result",
      finalAnswer: { answer: "42", explanation: "42" },
      totalSteps: 2,
    });
  });

  it("turns a tool's error into an observation and lets the model go on", async () => {
    const model = ScriptedLanguageModel.fromTurns([
      'Thought: try\nAction: calculate[{"expression": "two plus two"}]',
      "Thought: it failed\nFinal Answer: unknown",
    ]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(types(events)).toEqual(["thought", "action", "observation", "thought", "result"]);
    expect(events[2]).toMatchObject({
      success: false,
      error: { type: "ToolError", message: 'cannot evaluate "two plus two"' },
    });
    const toolMessage = model.received[1]?.messages.at(-1);
    expect(toolMessage).toEqual({
      role: "tool",
      toolCallId: "call_1",
      toolName: "calculate",
      content: 'Error (ToolError): cannot evaluate "two plus two"',
    });
  });

  it("reports an unknown tool as a ToolNotFound observation without calling anything", async () => {
    const model = ScriptedLanguageModel.fromTurns(["Action: launch_rockets[{}]", "Final Answer: no"]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(events[1]).toMatchObject({ type: "observation", success: false, error: { type: "ToolNotFound" } });
    expect((events[1] as { error: { message: string } }).error.message).toContain("available: calculate");
  });

  it("re-prompts once after an unparsable reply", async () => {
    const model = ScriptedLanguageModel.fromTurns(["I'd say four.", "Thought: format!\nFinal Answer: 4"]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(last(events)).toEqual({ type: "result", finalAnswer: { a: "4" }, totalSteps: 1 });
    const retry = model.received[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: "assistant", content: "I'd say four." });
    expect(retry.at(-1)?.content).toContain("could not be used: the reply has neither");
  });

  it("ends with a ProtocolError chunk when the re-prompted reply is unparsable too", async () => {
    const model = ScriptedLanguageModel.fromTurns(["four", "still four", "Final Answer: never asked"]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "error", step: 1, error: { type: "ProtocolError" } });
    expect(model.received).toHaveLength(2);
  });

  it("re-prompts when a typed final answer does not match its type", async () => {
    const model = ScriptedLanguageModel.fromTurns(["Final Answer: four", "Final Answer: 4"]);
    const events = await collect(
      new ReActAgent({ signature: "q -> n: int", model, toolbox: calculator }).run({ q: "?" }),
    );
    expect(last(events)).toEqual({ type: "result", finalAnswer: { n: 4 }, totalSteps: 1 });
  });

  it("allows max_iters tool calls, then demands the answer and ends with ResourceExhausted if none comes", async () => {
    const model = ScriptedLanguageModel.fromTurns(Array(3).fill('Action: calculate[{"expression": "1 + 1"}]'));
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator, maxIters: 2 }).run({ q: "?" }),
    );
    expect(types(events)).toEqual(["action", "observation", "action", "observation", "error"]);
    expect(last(events)).toMatchObject({
      type: "error",
      step: 3,
      error: { type: "ResourceExhausted", details: { max_iters: "2" } },
    });
    const final = model.received[2];
    expect(final?.options.toolChoice).toBe("none");
    expect(final?.messages.at(-1)).toEqual({ role: "user", content: LAST_STEP_PROMPT });
  });

  it("accepts the answer given on the turn after max_iters", async () => {
    const model = ScriptedLanguageModel.fromTurns(['Action: calculate[{"expression": "1 + 1"}]', "Final Answer: 2"]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator, maxIters: 1 }).run({ q: "?" }),
    );
    expect(last(events)).toEqual({ type: "result", finalAnswer: { a: "2" }, totalSteps: 2 });
  });

  it("reads native tool calls, the finish tool, and keeps call ids in the conversation", async () => {
    const model = ScriptedLanguageModel.fromTurns([
      {
        text: "Thought: compute it",
        toolCalls: [{ id: "c-1", name: "calculate", arguments: '{"expression": "3 * 5"}' }],
      },
      { text: "", toolCalls: [{ id: "c-2", name: "finish", arguments: '{"answer": 15}' }] },
    ]);
    const events = await collect(
      new ReActAgent({ signature: "question -> answer: int", model, toolbox: calculator }).run({ question: "3*5?" }),
    );
    expect(types(events)).toEqual(["thought", "action", "observation", "result"]);
    expect(events[0]).toEqual({ type: "thought", step: 1, text: "compute it" });
    expect(last(events)).toEqual({ type: "result", finalAnswer: { answer: 15 }, totalSteps: 2 });
    expect(model.received[0]?.options.tools?.map((t) => t.name)).toEqual(["calculate", "finish"]);
    expect(model.received[1]?.messages.slice(-2)).toEqual([
      {
        role: "assistant",
        content: "compute it",
        toolCall: { id: "c-1", name: "calculate", input: { expression: "3 * 5" } },
      },
      { role: "tool", toolCallId: "c-1", toolName: "calculate", content: "15" },
    ]);
  });

  it("re-prompts native tool calls whose arguments are not JSON", async () => {
    const model = ScriptedLanguageModel.fromTurns([
      { text: "", toolCalls: [{ id: "x", name: "calculate", arguments: "{expression" }] },
      "Final Answer: ok",
    ]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(last(events)).toMatchObject({ type: "result" });
    expect(model.received[1]?.messages.at(-1)?.content).toContain(
      "the arguments of the calculate call are not valid JSON",
    );
  });

  it("ends with a TimeoutError chunk when the model outlives the step timeout", async () => {
    const model = ScriptedLanguageModel.fromTurns([(_, options) => untilAborted(options.signal)]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator, stepTimeoutMs: 20 }).run({ q: "?" }),
    );
    expect(events).toEqual([
      {
        type: "error",
        step: 1,
        error: { type: "TimeoutError", message: "step 1 exceeded its timeout of 20 ms", details: {} },
      },
    ]);
  });

  it("turns a tool outliving the step timeout into a TimeoutError observation, aborting the call", async () => {
    const seen = { aborted: false };
    const toolbox = functionToolbox({
      slow: { description: "never answers", run: (_, { signal }) => untilAborted(signal, seen) },
    });
    const model = ScriptedLanguageModel.fromTurns(["Action: slow[{}]", "Final Answer: gave up"]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox, stepTimeoutMs: 30 }).run({ q: "?" }),
    );
    expect(events[1]).toMatchObject({
      type: "observation",
      success: false,
      error: { type: "TimeoutError", message: "step 1 exceeded its timeout of 30 ms" },
    });
    expect(seen.aborted).toBe(true);
    expect(last(events)).toMatchObject({ type: "result", finalAnswer: { a: "gave up" } });
  });

  it("does not wait for a tool that ignores its signal past the step timeout", async () => {
    const toolbox = functionToolbox({ stuck: { description: "ignores signals", run: () => new Promise(() => {}) } });
    const model = ScriptedLanguageModel.fromTurns(["Action: stuck[{}]", "Final Answer: moved on"]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox, stepTimeoutMs: 20 }).run({ q: "?" }),
    );
    expect(events[1]).toMatchObject({ error: { type: "TimeoutError" } });
    expect(last(events)).toMatchObject({ type: "result" });
  });

  it("passes the rest of the step budget to the tool as its timeout", async () => {
    let given = 0;
    const toolbox = {
      list: () => calculator.list(),
      call: async (_name: string, _input: Record<string, unknown>, options: { timeoutMs: number }) => {
        given = options.timeoutMs;
        return { success: true, result: 1 };
      },
    };
    const model = ScriptedLanguageModel.fromTurns(['Action: calculate[{"expression": "1"}]', "Final Answer: 1"]);
    await collect(new ReActAgent({ signature: "q -> a", model, toolbox, stepTimeoutMs: 5_000 }).run({ q: "?" }));
    expect(given).toBeGreaterThan(0);
    expect(given).toBeLessThanOrEqual(5_000);
  });

  it("stops the run and its tool call when cancelled, ending with a Cancelled chunk", async () => {
    const seen = { aborted: false };
    const controller = new AbortController();
    const run = (_: unknown, { signal }: { signal: AbortSignal }) => {
      // The client goes away while the tool is running.
      setImmediate(() => controller.abort(new Error("client went away")));
      return untilAborted(signal, seen);
    };
    const toolbox = functionToolbox({ slow: { description: "waits", run } });
    const model = ScriptedLanguageModel.fromTurns(["Action: slow[{}]", "Final Answer: must not be asked"]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox }).run({ q: "?" }, { signal: controller.signal }),
    );
    expect(types(events)).toEqual(["action", "error"]);
    expect(last(events)).toMatchObject({ error: { type: "Cancelled", message: "agent run cancelled" } });
    expect(seen.aborted).toBe(true);
    expect(model.received).toHaveLength(1);
  });

  it("reports a toolbridge error given as the abort reason with its own type", async () => {
    const controller = new AbortController();
    const model = ScriptedLanguageModel.fromTurns([
      (_, options) => {
        setImmediate(() => controller.abort(new ToolBridgeError("SessionExpired", "session s1 ended")));
        return untilAborted(options.signal);
      },
    ]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run(
        { q: "?" },
        { signal: controller.signal },
      ),
    );
    expect(events).toMatchObject([{ type: "error", error: { type: "SessionExpired", message: "session s1 ended" } }]);
  });

  it("does not call the model at all when cancelled before it starts", async () => {
    const model = ScriptedLanguageModel.rules();
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run(
        { q: "1 + 1" },
        { signal: AbortSignal.abort() },
      ),
    );
    expect(events).toMatchObject([{ type: "error", error: { type: "Cancelled" } }]);
    expect(model.received).toHaveLength(0);
  });

  it("ends with a TimeoutError chunk when the whole run exceeds its timeout", async () => {
    const model = ScriptedLanguageModel.fromTurns([(_, options) => untilAborted(options.signal)]);
    const events = await collect(
      new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }, { timeoutMs: 20 }),
    );
    expect(events).toMatchObject([
      { type: "error", error: { type: "TimeoutError", message: "agent run exceeded its timeout of 20 ms" } },
    ]);
  });

  it("reports a failing model as an error chunk with the model's error type", async () => {
    const model = ScriptedLanguageModel.fromTurns([
      () => {
        throw new ToolBridgeError("Unavailable", "LLM server down");
      },
    ]);
    const events = await collect(new ReActAgent({ signature: "q -> a", model, toolbox: calculator }).run({ q: "?" }));
    expect(events).toMatchObject([
      { type: "error", step: 1, error: { type: "Unavailable", message: "LLM server down" } },
    ]);
  });

  it("binds inputs by exact then case-insensitive name and rejects missing or unknown ones", () => {
    const agent = new ReActAgent({
      signature: "Question, context: list[str] -> Answer",
      model: ScriptedLanguageModel.rules(),
      toolbox: calculator,
    });
    expect(agent.bindInputs({ question: "q", context: [] })).toEqual({ Question: "q", context: [] });
    expect(() => agent.run({ question: "q" })).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining('missing input "context"') }),
    );
    expect(() => agent.run({ question: "q", context: [], extra: 1 })).toThrow(/unknown input "extra"/);
  });

  it("rejects a bad signature or max_iters when the agent is defined", () => {
    const base = { model: ScriptedLanguageModel.rules(), toolbox: calculator };
    expect(() => new ReActAgent({ ...base, signature: "question answer" })).toThrow(SignatureError);
    expect(() => new ReActAgent({ ...base, signature: "q -> a", maxIters: 0 })).toThrow(
      /maxIters must be a positive integer/,
    );
  });
});
