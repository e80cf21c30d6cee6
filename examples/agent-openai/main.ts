// A ReAct agent on any OpenAI-compatible chat-completions server (llama.cpp, vLLM, Ollama, LM Studio, OpenAI...).
// Run: npm run build && npx tsc -p examples/agent-openai && \
//   TOOLBRIDGE_LLM_BASE_URL=http://127.0.0.1:8080/v1 TOOLBRIDGE_LLM_MODEL=my-model node examples/agent-openai/dist/main.js
import { pathToFileURL } from "node:url";
import { functionToolbox, OpenAIChatModel, ReActAgent, type ToolCallingMode } from "@toolbridge/agent";

export interface ExampleOptions {
  baseUrl: string;
  model: string;
  /** Name of the environment variable holding the API key, if the server wants one. */
  apiKeyEnv?: string;
  toolCalling?: ToolCallingMode;
  question?: string;
  log?: (line: string) => void;
}

/** Two small, real tools the model can combine. */
const toolbox = functionToolbox({
  word_count: {
    description: "Counts the words (runs of non-space characters) in a text.",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    run: ({ text }) => String(text).split(/\s+/).filter(Boolean).length,
  },
  multiply: {
    description: "Multiplies two numbers.",
    inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    run: ({ a, b }) => {
      if (typeof a !== "number" || typeof b !== "number") throw new TypeError("a and b must be numbers");
      return a * b;
    },
  },
});

export const DEFAULT_QUESTION =
  "How many words are in 'the quick brown fox jumps over the lazy dog'? Multiply that count by 12.";

/** Runs one question and prints every step; returns the final answer, or undefined when the run ended with an error. */
export async function main(options: ExampleOptions): Promise<Record<string, unknown> | undefined> {
  const log = options.log ?? console.log;
  const model = new OpenAIChatModel({
    baseUrl: options.baseUrl,
    model: options.model,
    ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
    ...(options.toolCalling ? { toolCalling: options.toolCalling } : {}),
    temperature: 0,
  });
  log(`model: ${model.label}`);
  const agent = new ReActAgent({
    signature: "question -> answer: str",
    model,
    toolbox,
    maxIters: 5,
    stepTimeoutMs: 120_000,
  });

  // Ctrl-C cancels the run and any tool call in flight.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    for await (const event of agent.run(
      { question: options.question ?? DEFAULT_QUESTION },
      { signal: controller.signal },
    )) {
      switch (event.type) {
        case "thought":
          log(`[${event.step}] thought: ${event.text}`);
          break;
        case "action":
          log(`[${event.step}] action: ${event.toolName} ${JSON.stringify(event.toolInput)}`);
          break;
        case "observation":
          log(
            `[${event.step}] observation: ${event.success ? JSON.stringify(event.output) : `${event.error?.type}: ${event.error?.message}`}`,
          );
          break;
        case "result":
          log(`answer (${event.totalSteps} steps): ${JSON.stringify(event.finalAnswer)}`);
          return event.finalAnswer;
        case "error":
          log(`run ended: ${event.error.type}: ${event.error.message}`);
          return undefined;
      }
    }
    return undefined;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { TOOLBRIDGE_LLM_BASE_URL: baseUrl, TOOLBRIDGE_LLM_MODEL: model } = process.env;
  if (!baseUrl || !model) {
    console.error("set TOOLBRIDGE_LLM_BASE_URL (e.g. http://127.0.0.1:8080/v1) and TOOLBRIDGE_LLM_MODEL");
    process.exit(2);
  }
  const answer = await main({
    baseUrl,
    model,
    ...(process.env.TOOLBRIDGE_LLM_API_KEY_ENV ? { apiKeyEnv: process.env.TOOLBRIDGE_LLM_API_KEY_ENV } : {}),
    ...(process.env.TOOLBRIDGE_LLM_TOOL_CALLING
      ? { toolCalling: process.env.TOOLBRIDGE_LLM_TOOL_CALLING as ToolCallingMode }
      : {}),
    ...(process.argv[2] ? { question: process.argv[2] } : {}),
  });
  process.exitCode = answer === undefined ? 1 : 0;
}
