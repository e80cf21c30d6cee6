/**
 * The text ReAct protocol, for models without native tool calling:
 *
 *   Thought: <reasoning>
 *   Action: <tool name>[<JSON object of arguments>]
 *
 * or, to finish,
 *
 *   Thought: <reasoning>
 *   Final Answer: <answer>
 *
 * "Action: name" followed by "Action Input: {json}" is accepted too, because
 * many models were trained on that variant. Labels are case-insensitive and
 * must start a line. Anything from an "Observation:" line on is dropped: the
 * model is imagining the tool's answer.
 */
export type ParsedReply =
  | {
      readonly kind: "action";
      readonly thought: string;
      readonly toolName: string;
      readonly input: Record<string, unknown>;
    }
  | { readonly kind: "final"; readonly thought: string; readonly answer: string }
  | { readonly kind: "unparsable"; readonly reason: string };

const LABEL = /^[ \t]*(thought|action input|action|final answer|observation)[ \t]*:/gim;

export function formatAction(toolName: string, input: Record<string, unknown>): string {
  return `${toolName}[${JSON.stringify(input)}]`;
}

export function parseReActText(text: string): ParsedReply {
  const sections = new Map<string, string>();
  let preamble = text;
  const matches = [...text.matchAll(LABEL)];
  for (const [i, match] of matches.entries()) {
    const label = (match[1] as string).toLowerCase();
    if (i === 0) preamble = text.slice(0, match.index);
    if (label === "observation") break;
    const end = matches[i + 1]?.index ?? text.length;
    if (!sections.has(label)) sections.set(label, text.slice(match.index + match[0].length, end).trim());
  }
  const thought = sections.get("thought") ?? preamble.trim();
  const action = sections.get("action");
  const finalAnswer = sections.get("final answer");
  if (action !== undefined && finalAnswer !== undefined) {
    return { kind: "unparsable", reason: "the reply has both an Action and a Final Answer; give exactly one" };
  }
  if (finalAnswer !== undefined) {
    return finalAnswer === ""
      ? { kind: "unparsable", reason: "the Final Answer is empty" }
      : { kind: "final", thought, answer: finalAnswer };
  }
  if (action === undefined)
    return { kind: "unparsable", reason: 'the reply has neither an "Action:" nor a "Final Answer:" line' };
  return parseAction(thought, action, sections.get("action input"));
}

function parseAction(thought: string, action: string, separateInput: string | undefined): ParsedReply {
  const match = /^([A-Za-z0-9_.-]+)\s*(?:\[([\s\S]*)\])?$/.exec(action);
  if (match === null) {
    return {
      kind: "unparsable",
      reason: `the Action ${JSON.stringify(action)} is not of the form tool_name[{"arg": value}]`,
    };
  }
  const toolName = match[1] as string;
  const inputText = match[2] ?? separateInput ?? "{}";
  const input = parseArguments(inputText);
  if (typeof input === "string") return { kind: "unparsable", reason: `the input of Action ${toolName}: ${input}` };
  return { kind: "action", thought, toolName, input };
}

/** Parses a tool-arguments JSON object; returns a reason string when it is not one. */
export function parseArguments(text: string): Record<string, unknown> | string {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "not a JSON object of named arguments";
  return value as Record<string, unknown>;
}
