import type { ToolDescription } from "./toolbox.js";

/** A tool call as the loop records it in the conversation. */
export interface ToolCallRequest {
  readonly id: string;
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/**
 * The conversation in a provider-neutral form. Adapters render it for their
 * API: native tool-calling APIs get `tool` messages, text-only ones get
 * "Action: ..." / "Observation: ..." lines (see react-format.ts).
 */
export type ChatMessage =
  | { readonly role: "system" | "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string; readonly toolCall?: ToolCallRequest }
  | { readonly role: "tool"; readonly toolCallId: string; readonly toolName: string; readonly content: string };

/** A tool call the model asked for; arguments are raw JSON text, parsed by the loop. */
export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface ModelReply {
  /** The message text: a thought (native tool call) or a whole ReAct-format reply. */
  readonly text: string;
  readonly toolCalls: readonly ModelToolCall[];
}

export interface CompletionOptions {
  /** Tools the model may call natively (the loop's `finish` tool included). */
  readonly tools?: readonly ToolDescription[];
  /** "none" on the final turn: the model must answer, not call a tool. Default "auto". */
  readonly toolChoice?: "auto" | "none";
  readonly signal?: AbortSignal;
}

/** One small interface for every LLM provider. */
export interface LanguageModel {
  /** Human-readable label for logs, e.g. "scripted model (deterministic test double)". */
  readonly label: string;
  complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<ModelReply>;
}
