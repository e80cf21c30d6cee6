import { ToolBridgeError } from "@toolbridge/protocol";
import type { LanguageModel } from "./model.js";
import { OpenAIChatModel, type ToolCallingMode } from "./openai-model.js";
import { ScriptedLanguageModel } from "./scripted-model.js";

/** Which model drives an agent; mirrors toolbridge.v1.LlmConfig and the CLI's --llm flags. */
export interface LlmSettings {
  readonly provider: "scripted" | "openai";
  readonly model?: string;
  readonly baseUrl?: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  readonly apiKeyEnv?: string;
  readonly temperature?: number;
  /** "auto" (default), "native" or "text"; see OpenAIChatModel. */
  readonly toolCalling?: ToolCallingMode;
}

export const LLM_PROVIDERS = ["scripted", "openai"] as const;

export function isLlmProvider(value: string): value is LlmSettings["provider"] {
  return (LLM_PROVIDERS as readonly string[]).includes(value);
}

/** Builds the model for a configuration; throws InvalidArgument for an incomplete one. */
export function createLanguageModel(
  settings: LlmSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LanguageModel {
  if (settings.provider === "scripted") return ScriptedLanguageModel.rules();
  if (!settings.baseUrl || !settings.model) {
    throw new ToolBridgeError(
      "InvalidArgument",
      "the openai LLM provider needs a base URL and a model (--llm-base-url URL --llm-model NAME)",
      {
        details: { field: settings.baseUrl ? "model" : "base_url" },
      },
    );
  }
  return new OpenAIChatModel({
    baseUrl: settings.baseUrl,
    model: settings.model,
    apiKeyEnv: settings.apiKeyEnv,
    temperature: settings.temperature,
    toolCalling: settings.toolCalling,
    env,
  });
}
