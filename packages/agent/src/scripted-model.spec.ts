import { describe, expect, it } from "vitest";
import { createLanguageModel } from "./llm-config.js";
import type { ChatMessage } from "./model.js";
import { OpenAIChatModel } from "./openai-model.js";
import { ScriptedLanguageModel } from "./scripted-model.js";

const tool = (name: string) => ({ name, description: "", inputSchema: { type: "object" } });
const ask = (text: string): ChatMessage[] => [
  { role: "system", content: "task\n\nInputs:\n- question\nOutputs:\n- answer\n\nYou can use these tools:" },
  { role: "user", content: `question: ${text}` },
];

describe("ScriptedLanguageModel", () => {
  it("declares itself a test double", () => {
    expect(ScriptedLanguageModel.rules().label).toMatch(/^scripted model \(deterministic test double/);
  });

  it("rules: calls calculate for arithmetic, search_web for searches, and answers otherwise", async () => {
    const model = ScriptedLanguageModel.rules();
    const tools = [tool("calculate"), tool("search_web")];
    expect((await model.complete(ask("What is 12.5 * 4?"), { tools })).text).toBe(
      'Thought: I need to calculate 12.5 * 4. Let me use the calculator tool.\nAction: calculate[{"expression":"12.5 * 4"}]',
    );
    expect((await model.complete(ask("Search for DSPy"), { tools })).text).toBe(
      `Thought: I'll search for that information.\nAction: search_web[${JSON.stringify({ query: "question: Search for DSPy" })}]`,
    );
    expect((await model.complete(ask("Hello"), { tools })).text).toContain(
      "Final Answer: the scripted model has no rule for these inputs",
    );
  });

  it("rules: does not call a tool that is not offered, or on a no-tools turn", async () => {
    const model = ScriptedLanguageModel.rules();
    expect((await model.complete(ask("1 + 1"), { tools: [tool("search_web")] })).text).toContain("Final Answer:");
    expect((await model.complete(ask("1 + 1"), { tools: [tool("calculate")], toolChoice: "none" })).text).toContain(
      "Final Answer:",
    );
  });

  it("rules: answers with the last observation", async () => {
    const messages: ChatMessage[] = [
      ...ask("2 + 2"),
      { role: "tool", toolCallId: "c", toolName: "calculate", content: "4" },
    ];
    expect((await ScriptedLanguageModel.rules().complete(messages, {})).text).toBe(
      "Thought: The calculate tool returned the observation I need.\nFinal Answer: 4",
    );
  });

  it("turns: replays in order, records requests, and fails when the script runs out", async () => {
    const model = ScriptedLanguageModel.fromTurns([
      "one",
      { text: "two", toolCalls: [] },
      (messages) => `saw ${messages.length}`,
    ]);
    expect((await model.complete([], {})).text).toBe("one");
    expect((await model.complete([], {})).text).toBe("two");
    expect((await model.complete(ask("x"), {})).text).toBe("saw 2");
    await expect(model.complete([], {})).rejects.toMatchObject({
      code: "InternalError",
      message: "scripted model: no turn left for call 4 (script has 3)",
    });
    expect(model.received).toHaveLength(4);
  });
});

describe("createLanguageModel", () => {
  it("builds the scripted model or the OpenAI-compatible adapter", () => {
    expect(createLanguageModel({ provider: "scripted" })).toBeInstanceOf(ScriptedLanguageModel);
    const model = createLanguageModel({ provider: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m" });
    expect(model).toBeInstanceOf(OpenAIChatModel);
    expect(model.label).toBe("OpenAI-compatible model m at http://127.0.0.1:9");
  });

  it("rejects an openai configuration without base URL or model", () => {
    expect(() => createLanguageModel({ provider: "openai", model: "m" })).toThrow(
      expect.objectContaining({ code: "InvalidArgument", details: { field: "base_url" } }),
    );
    expect(() => createLanguageModel({ provider: "openai", baseUrl: "http://127.0.0.1:9" })).toThrow(
      /--llm-base-url URL --llm-model NAME/,
    );
  });
});
