import { type ErrorType, ToolBridgeError } from "@toolbridge/protocol";
import type { ChatMessage, CompletionOptions, LanguageModel, ModelReply } from "./model.js";
import { formatAction } from "./react-format.js";

/**
 * How tools reach the model: "native" sends `tools` and reads `tool_calls`;
 * "text" describes tools in the prompt and reads ReAct-format text; "auto"
 * starts native and switches to text for good when the server rejects a
 * request with tools (HTTP 400/404/422/501) but accepts it without.
 */
export type ToolCallingMode = "auto" | "native" | "text";

export interface OpenAIChatModelConfig {
  /** Base URL of an OpenAI-compatible API, e.g. "http://127.0.0.1:8080/v1"; "/chat/completions" is appended. */
  readonly baseUrl: string;
  readonly model: string;
  /** Name of the environment variable holding the API key; no Authorization header when unset or empty. */
  readonly apiKeyEnv?: string;
  readonly toolCalling?: ToolCallingMode;
  readonly temperature?: number;
  /** Where apiKeyEnv is looked up (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The parts of an OpenAI chat-completions message this adapter sends and reads. */
interface WireMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

const TOOLS_REJECTED = new Set([400, 404, 422, 501]);

/** Adapter for any server speaking the OpenAI chat-completions API (OpenAI, vLLM, llama.cpp, Ollama, LM Studio...). */
export class OpenAIChatModel implements LanguageModel {
  readonly label: string;
  private readonly url: string;
  private readonly apiKey: string | undefined;
  private mode: ToolCallingMode;

  constructor(private readonly config: OpenAIChatModelConfig) {
    let url: URL;
    try {
      url = new URL(`${config.baseUrl.replace(/\/+$/, "")}/chat/completions`);
    } catch (error) {
      throw new ToolBridgeError("InvalidArgument", `LLM base URL ${JSON.stringify(config.baseUrl)} is not a URL`, {
        cause: error,
        details: { field: "base_url" },
      });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ToolBridgeError("InvalidArgument", `LLM base URL must be http(s), got ${config.baseUrl}`, {
        details: { field: "base_url" },
      });
    }
    if (config.model.trim() === "")
      throw new ToolBridgeError("InvalidArgument", "LLM model name is empty", { details: { field: "model" } });
    // A missing key is not an error here: local servers need none. A server that
    // does answers 401, and that error names the unset variable.
    const key = config.apiKeyEnv ? (config.env ?? process.env)[config.apiKeyEnv] : undefined;
    this.apiKey = key === "" ? undefined : key;
    this.url = url.href;
    this.mode = config.toolCalling ?? "auto";
    this.label = `OpenAI-compatible model ${config.model} at ${url.origin}`;
  }

  /** The mode in use now ("auto" until the server has shown whether it takes tools). */
  get toolCalling(): ToolCallingMode {
    return this.mode;
  }

  async complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<ModelReply> {
    const tools = options.tools ?? [];
    if (this.mode === "text" || tools.length === 0)
      return this.post(this.body(messages, options, false), options.signal);
    const response = await this.send(this.body(messages, options, true), options.signal);
    if (this.mode === "auto" && TOOLS_REJECTED.has(response.status)) {
      await response.body?.cancel();
      const reply = await this.post(this.body(messages, options, false), options.signal);
      this.mode = "text";
      return reply;
    }
    if (this.mode === "auto" && response.ok) this.mode = "native";
    return this.read(response);
  }

  private body(messages: readonly ChatMessage[], options: CompletionOptions, native: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.config.model,
      messages: messages.map((m) => toWire(m, native)),
    };
    if (this.config.temperature !== undefined) body.temperature = this.config.temperature;
    if (native) {
      body.tools = (options.tools ?? []).map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.inputSchema },
      }));
      body.tool_choice = options.toolChoice ?? "auto";
    } else {
      // The model would otherwise go on to invent the tool's answer.
      body.stop = ["\nObservation:"];
    }
    return body;
  }

  private async post(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<ModelReply> {
    return this.read(await this.send(body, signal));
  }

  private async send(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    try {
      return await fetch(this.url, { method: "POST", headers, body: JSON.stringify(body), signal: signal ?? null });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ToolBridgeError("Unavailable", `LLM server ${this.url} unreachable: ${(error as Error).message}`, {
        cause: error,
        details: { url: this.url },
      });
    }
  }

  private missingKeyHint(status: number): string {
    if ((status !== 401 && status !== 403) || this.apiKey !== undefined) return "";
    return this.config.apiKeyEnv
      ? ` (no API key sent: environment variable ${this.config.apiKeyEnv} is not set)`
      : " (no API key sent: configure the name of the variable holding it, --llm-api-key-env)";
  }

  private async read(response: Response): Promise<ModelReply> {
    const text = await response.text();
    if (!response.ok) {
      throw new ToolBridgeError(
        httpErrorType(response.status),
        `LLM server answered HTTP ${response.status}: ${text.slice(0, 500)}${this.missingKeyHint(response.status)}`,
        {
          details: { url: this.url, status: String(response.status) },
        },
      );
    }
    return parseCompletion(text, this.url);
  }
}

function toWire(message: ChatMessage, native: boolean): WireMessage {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: message.content };
    case "assistant": {
      const call = message.toolCall;
      if (call === undefined) return { role: "assistant", content: message.content };
      if (!native)
        return {
          role: "assistant",
          content: `Thought: ${message.content}\nAction: ${formatAction(call.name, call.input)}`,
        };
      return {
        role: "assistant",
        content: message.content === "" ? null : message.content,
        tool_calls: [
          { id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.input) } },
        ],
      };
    }
    case "tool":
      return native
        ? { role: "tool", tool_call_id: message.toolCallId, content: message.content }
        : { role: "user", content: `Observation: ${message.content}` };
  }
}

function parseCompletion(text: string, url: string): ModelReply {
  let message: Partial<WireMessage> | undefined;
  try {
    message = (JSON.parse(text) as { choices?: { message?: Partial<WireMessage> }[] }).choices?.[0]?.message;
  } catch (error) {
    throw new ToolBridgeError(
      "ProtocolError",
      `LLM server ${url} sent a body that is not JSON: ${text.slice(0, 200)}`,
      { cause: error },
    );
  }
  if (message === undefined || message === null) {
    throw new ToolBridgeError("ProtocolError", `LLM server ${url} sent no choices[0].message: ${text.slice(0, 200)}`);
  }
  return {
    text: typeof message.content === "string" ? message.content : "",
    toolCalls: (message.tool_calls ?? []).map((c, i) => ({
      id: c.id || `call_${i}`,
      name: c.function?.name ?? "",
      arguments: c.function?.arguments ?? "",
    })),
  };
}

function httpErrorType(status: number): ErrorType {
  if (status === 401) return "Unauthenticated";
  if (status === 403) return "PermissionDenied";
  if (status === 429) return "RateLimitExceeded";
  if (status >= 500) return "Unavailable";
  return "FailedPrecondition";
}
