import { isLlmProvider, type LlmSettings, type ToolCallingMode } from "@toolbridge/agent";
import type { LlmConfig } from "@toolbridge/protocol";
import { hostError } from "../errors.js";

/** The host's LLM, as configured by the operator (CLI: --llm, --llm-model, --llm-base-url, --llm-api-key-env). */
export interface HostLlmOptions {
  provider: "scripted" | "openai";
  model?: string;
  baseUrl?: string;
  /** Name of the environment variable holding the API key. */
  apiKeyEnv?: string;
  temperature?: number;
  toolCalling?: ToolCallingMode;
}

const TOOL_CALLING_MODES: readonly string[] = ["auto", "native", "text"];

/**
 * Merges a request's LlmConfig over the host's. A request may pick the
 * provider, model, temperature and options.tool_calling; the endpoint and the
 * key stay the operator's: a base_url or api_key_env differing from the host's
 * is refused (PermissionDenied), or any client could make the host send one of
 * its environment variables to a server of the client's choosing.
 */
export function resolveLlmSettings(host: HostLlmOptions, request: LlmConfig | undefined): LlmSettings {
  const provider = request?.provider || host.provider;
  if (!isLlmProvider(provider)) {
    throw hostError("InvalidArgument", `unknown LLM provider "${provider}"; use "scripted" or "openai"`, {
      field: "llm.provider",
    });
  }
  for (const [field, asked, configured] of [
    ["base_url", request?.baseUrl, host.baseUrl],
    ["api_key_env", request?.apiKeyEnv, host.apiKeyEnv],
  ] as const) {
    if (asked && asked !== configured) {
      throw hostError("PermissionDenied", `llm.${field} is set by the host operator and cannot be changed per agent`, {
        field: `llm.${field}`,
      });
    }
  }
  if (provider === "openai" && !host.baseUrl) {
    throw hostError(
      "FailedPrecondition",
      "this host has no OpenAI-compatible endpoint: start it with --llm openai --llm-base-url URL --llm-model NAME",
      { field: "llm.provider" },
    );
  }
  const toolCalling = request?.options.tool_calling || host.toolCalling;
  if (toolCalling !== undefined && !TOOL_CALLING_MODES.includes(toolCalling)) {
    throw hostError("InvalidArgument", `llm.options.tool_calling must be auto, native or text, got "${toolCalling}"`, {
      field: "llm.options.tool_calling",
    });
  }
  return {
    provider,
    model: request?.model || host.model,
    baseUrl: host.baseUrl,
    apiKeyEnv: host.apiKeyEnv,
    temperature: request?.temperature ?? host.temperature,
    toolCalling: toolCalling as ToolCallingMode | undefined,
  };
}
