import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAction, parseArguments, parseReActText } from "./react-format.js";

describe("parseReActText", () => {
  it("reads a thought and a bracketed action", () => {
    expect(parseReActText('Thought: add them\nAction: calculate[{"expression": "2 + 2"}]')).toEqual({
      kind: "action",
      thought: "add them",
      toolName: "calculate",
      input: { expression: "2 + 2" },
    });
  });

  it("reads the Action / Action Input variant, case-insensitively", () => {
    expect(parseReActText('thought: look it up\naction: search_web\nACTION INPUT: {"query": "dspy"}')).toEqual({
      kind: "action",
      thought: "look it up",
      toolName: "search_web",
      input: { query: "dspy" },
    });
  });

  it("treats text before the first label as the thought and an action without input as {}", () => {
    expect(parseReActText("I should list things.\nAction: list_all")).toEqual({
      kind: "action",
      thought: "I should list things.",
      toolName: "list_all",
      input: {},
    });
  });

  it("reads a multi-line final answer and drops an imagined observation", () => {
    expect(parseReActText("Thought: done\nFinal Answer: line one\nline two")).toEqual({
      kind: "final",
      thought: "done",
      answer: "line one\nline two",
    });
    expect(parseReActText('Action: calculate[{"expression": "1+1"}]\nObservation: 2\nFinal Answer: 2')).toMatchObject({
      kind: "action",
      toolName: "calculate",
    });
  });

  it.each([
    ["I think the answer is 4.", "neither"],
    ['Action: calculate[{"a": 1}]\nFinal Answer: 4', "both an Action and a Final Answer"],
    ["Action: calculate[{not json}]", "not valid JSON"],
    ["Action: calculate[[1, 2]]", "not a JSON object"],
    ["Action: two words here", "is not of the form"],
    ["Final Answer:   ", "empty"],
  ])("reports %j as unparsable (%s)", (text, reason) => {
    const parsed = parseReActText(text);
    expect(parsed.kind).toBe("unparsable");
    expect(parsed.kind === "unparsable" && parsed.reason).toContain(reason);
  });

  it("parses what formatAction writes", () => {
    const input = { expression: "2 * (3 + 4)", nested: { list: [1, "]"] } };
    expect(parseReActText(`Thought: t\nAction: ${formatAction("calc.v2", input)}`)).toEqual({
      kind: "action",
      thought: "t",
      toolName: "calc.v2",
      input,
    });
  });

  it("parses any JSON object input that formatAction writes, whatever strings it holds", () => {
    const input = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,20}$/), input, fc.string(), (name, args, thought) => {
        const oneLineThought = thought.replace(/[\r\n]/g, " ");
        const parsed = parseReActText(`Thought: ${oneLineThought}\nAction: ${formatAction(name, args)}`);
        expect(parsed).toMatchObject({ kind: "action", toolName: name });
        expect(JSON.stringify((parsed as { input: unknown }).input)).toBe(JSON.stringify(args));
      }),
    );
  });

  it("parseArguments accepts an empty text as no arguments", () => {
    expect(parseArguments("  ")).toEqual({});
  });
});
