import { finalAnswerFromObject, finalAnswerFromText } from "./final-answer.js";
import type { ModelReply } from "./model.js";
import { FINISH_TOOL } from "./prompt.js";
import { parseArguments, parseReActText } from "./react-format.js";
import type { Signature } from "./signature.js";

/** What one model turn decided. */
export type Decision =
  | {
      readonly kind: "action";
      readonly thought: string;
      readonly callId: string;
      readonly toolName: string;
      readonly input: Record<string, unknown>;
    }
  | { readonly kind: "final"; readonly thought: string; readonly answer: Record<string, unknown> }
  | { readonly kind: "unparsable"; readonly reason: string };

/**
 * Reads a reply in either form: a native tool call (the first one; one action
 * per step), a native call of the finish tool, or text in the ReAct format.
 */
export function interpretReply(reply: ModelReply, signature: Signature, step: number): Decision {
  const [call] = reply.toolCalls;
  if (call === undefined) return interpretText(reply.text, signature, step);
  const thought = stripThoughtLabel(reply.text);
  const input = parseArguments(call.arguments);
  if (typeof input === "string")
    return { kind: "unparsable", reason: `the arguments of the ${call.name} call are ${input}` };
  if (call.name === FINISH_TOOL) return final(thought, finalAnswerFromObject(input, signature.outputs));
  return { kind: "action", thought, callId: call.id, toolName: call.name, input };
}

function interpretText(text: string, signature: Signature, step: number): Decision {
  const parsed = parseReActText(text);
  switch (parsed.kind) {
    case "unparsable":
      return parsed;
    case "action":
      return {
        kind: "action",
        thought: parsed.thought,
        callId: `call_${step}`,
        toolName: parsed.toolName,
        input: parsed.input,
      };
    case "final":
      return final(parsed.thought, finalAnswerFromText(parsed.answer, signature.outputs));
  }
}

function final(thought: string, answer: Record<string, unknown> | string): Decision {
  return typeof answer === "string" ? { kind: "unparsable", reason: answer } : { kind: "final", thought, answer };
}

function stripThoughtLabel(text: string): string {
  return text.replace(/^\s*thought\s*:/i, "").trim();
}
