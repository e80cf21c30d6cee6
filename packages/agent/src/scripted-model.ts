import { ToolBridgeError } from "@toolbridge/protocol";
import type { ChatMessage, CompletionOptions, LanguageModel, ModelReply } from "./model.js";
import { formatAction } from "./react-format.js";

/** One scripted turn: a text reply, a full reply (e.g. with native tool calls), or a function of the conversation. */
export type ScriptedTurn =
  | string
  | ModelReply
  | ((
      messages: readonly ChatMessage[],
      options: CompletionOptions,
    ) => string | ModelReply | Promise<string | ModelReply>);

/**
 * A deterministic TEST DOUBLE standing in for a language model; it does no
 * language modelling. Two modes:
 *
 * - `ScriptedLanguageModel.fromTurns([...])` replays the given turns in order
 *   and fails once they run out (for unit tests of the loop).
 * - `ScriptedLanguageModel.rules()` follows a small fixed script, like the
 *   spec's mock_llm fixture, answering in the text ReAct format:
 *   1. after a tool observation: Final Answer = that observation;
 *   2. an arithmetic expression in the inputs ("2 + 2") and a `calculate`
 *      tool offered: call calculate {expression};
 *   3. "search" in the inputs and a `search_web` tool offered: call
 *      search_web {query: <inputs text>};
 *   4. otherwise: a Final Answer saying no rule applies.
 *   With several output fields the answer is a JSON object repeating the same
 *   text under each field.
 */
export class ScriptedLanguageModel implements LanguageModel {
  readonly label = "scripted model (deterministic test double, not a real LLM)";
  /** Every request received, for tests to inspect. */
  readonly received: { messages: readonly ChatMessage[]; options: CompletionOptions }[] = [];
  private next = 0;

  private constructor(private readonly turns: readonly ScriptedTurn[] | undefined) {}

  static fromTurns(turns: readonly ScriptedTurn[]): ScriptedLanguageModel {
    return new ScriptedLanguageModel(turns);
  }

  static rules(): ScriptedLanguageModel {
    return new ScriptedLanguageModel(undefined);
  }

  async complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<ModelReply> {
    this.received.push({ messages: [...messages], options });
    const turn = this.turns === undefined ? ruleTurn(messages, options) : this.turns[this.next++];
    if (turn === undefined) {
      throw new ToolBridgeError(
        "InternalError",
        `scripted model: no turn left for call ${this.next} (script has ${this.turns?.length ?? 0})`,
      );
    }
    const reply = typeof turn === "function" ? await turn(messages, options) : turn;
    return typeof reply === "string" ? { text: reply, toolCalls: [] } : reply;
  }
}

const ARITHMETIC = /-?\d+(?:\.\d+)?(?:\s*[-+*/%^]\s*-?\d+(?:\.\d+)?)+/;

function ruleTurn(messages: readonly ChatMessage[], options: CompletionOptions): string {
  const inputs = messages.find((m) => m.role === "user")?.content ?? "";
  const offered = new Set(options.toolChoice === "none" ? [] : (options.tools ?? []).map((t) => t.name));
  const observation = messages.findLast((m) => m.role === "tool");
  if (observation?.role === "tool") {
    return `Thought: The ${observation.toolName} tool returned the observation I need.\nFinal Answer: ${answerText(messages, observation.content)}`;
  }
  const expression = ARITHMETIC.exec(inputs)?.[0];
  if (expression !== undefined && offered.has("calculate")) {
    return `Thought: I need to calculate ${expression}. Let me use the calculator tool.\nAction: ${formatAction("calculate", { expression })}`;
  }
  if (/search/i.test(inputs) && offered.has("search_web")) {
    return `Thought: I'll search for that information.\nAction: ${formatAction("search_web", { query: inputs })}`;
  }
  return `Thought: No scripted rule applies to these inputs.\nFinal Answer: ${answerText(messages, "the scripted model has no rule for these inputs")}`;
}

/** Reads the output field names back from the system prompt (prompt.ts lists them under "Outputs:"). */
function answerText(messages: readonly ChatMessage[], text: string): string {
  const system = messages.find((m) => m.role === "system")?.content ?? "";
  const section = system.split("\nOutputs:\n")[1]?.split("\n\n")[0] ?? "";
  const outputs = [...section.matchAll(/^- ([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1] as string);
  return outputs.length > 1 ? JSON.stringify(Object.fromEntries(outputs.map((o) => [o, text]))) : text;
}
