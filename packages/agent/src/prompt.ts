import { renderForModel } from "./render.js";
import type { Signature, SignatureField } from "./signature.js";
import type { ToolDescription } from "./toolbox.js";

/** Name of the native tool a model calls to finish, with the output fields as arguments. */
export const FINISH_TOOL = "finish";

function fieldLine(field: SignatureField): string {
  const type = field.type === undefined ? "" : ` (${field.type})`;
  const description = field.description === undefined ? "" : `: ${field.description}`;
  return `- ${field.name}${type}${description}`;
}

/**
 * The system prompt: task, tools, and the text ReAct protocol. It describes the
 * text protocol even when tools are offered natively, so that one prompt works
 * with both kinds of adapter (and with a server that turned out not to support
 * tools).
 */
export function systemPrompt(
  signature: Signature,
  tools: readonly ToolDescription[],
  instructions: string | undefined,
): string {
  const outputs = signature.outputs.map((f) => f.name);
  const answerShape =
    outputs.length === 1
      ? `the value of ${outputs[0]}`
      : `a JSON object with the keys ${outputs.map((o) => JSON.stringify(o)).join(", ")}`;
  const toolLines = tools.map(
    (t) =>
      `- ${t.name}: ${t.description || "(no description)"} Arguments (JSON Schema): ${JSON.stringify(t.inputSchema)}`,
  );
  return [
    instructions?.trim() || `Given the inputs, produce the outputs (signature: ${signature.text}).`,
    "",
    "Inputs:",
    ...signature.inputs.map(fieldLine),
    "Outputs:",
    ...signature.outputs.map(fieldLine),
    "",
    "You can use these tools:",
    ...(toolLines.length > 0 ? toolLines : ["(none)"]),
    "",
    "Work step by step. In each reply, either use one tool:",
    "Thought: <your reasoning>",
    'Action: <tool name>[<JSON object of arguments>]   e.g. calculate[{"expression": "2 + 2"}]',
    "and wait for the Observation, or finish:",
    "Thought: <your reasoning>",
    `Final Answer: <${answerShape}>`,
    `When function calling is available, call the tool as a function instead of writing the Action line, and finish by calling ${FINISH_TOOL} or by writing the Final Answer line.`,
  ].join("\n");
}

/** The first user message: the run's inputs, one per line. */
export function inputsMessage(signature: Signature, inputs: Record<string, unknown>): string {
  return signature.inputs.map((field) => `${field.name}: ${renderForModel(inputs[field.name])}`).join("\n");
}

export const LAST_STEP_PROMPT =
  "You have used every tool call allowed. Do not call any more tools: reply now with the Final Answer.";

export function repromptMessage(reason: string): string {
  return `Your last reply could not be used: ${reason}. Reply again, with either one "Action: tool_name[{...}]" line or one "Final Answer: ..." line after your Thought.`;
}

/** The finish tool offered to native tool-calling models; its arguments are the output fields. */
export function finishTool(signature: Signature): ToolDescription {
  const properties: Record<string, unknown> = {};
  for (const field of signature.outputs) {
    properties[field.name] = { description: [field.type, field.description].filter(Boolean).join(": ") || field.name };
  }
  return {
    name: FINISH_TOOL,
    description: "Give the final answer and end the task.",
    inputSchema: { type: "object", properties, required: signature.outputs.map((f) => f.name) },
  };
}
