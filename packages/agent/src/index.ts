export type { AgentEvent } from "./events.js";
export { type FunctionTool, functionToolbox } from "./function-toolbox.js";
export { createLanguageModel, isLlmProvider, LLM_PROVIDERS, type LlmSettings } from "./llm-config.js";
export type {
  ChatMessage,
  CompletionOptions,
  LanguageModel,
  ModelReply,
  ModelToolCall,
  ToolCallRequest,
} from "./model.js";
export { OpenAIChatModel, type OpenAIChatModelConfig, type ToolCallingMode } from "./openai-model.js";
export { FINISH_TOOL } from "./prompt.js";
export {
  DEFAULT_MAX_ITERS,
  DEFAULT_STEP_TIMEOUT_MS,
  ReActAgent,
  type ReActAgentConfig,
  type RunOptions,
} from "./react-agent.js";
export { formatAction, type ParsedReply, parseReActText } from "./react-format.js";
export { ScriptedLanguageModel, type ScriptedTurn } from "./scripted-model.js";
export { parseSignature, type Signature, SignatureError, type SignatureField } from "./signature.js";
export type {
  AgentToolbox,
  ErrorDescription,
  ToolCallMetrics,
  ToolCallOptions,
  ToolCallOutcome,
  ToolDescription,
} from "./toolbox.js";
