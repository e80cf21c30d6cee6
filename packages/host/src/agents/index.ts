export { type AgentDefinition, AgentRegistry } from "./agent-registry.js";
export { AgentRuntime, type AgentRuntimeOptions } from "./agent-runtime.js";
export { AgentChunkEncoder } from "./event-chunks.js";
export { type HostLlmOptions, resolveLlmSettings } from "./llm-settings.js";
export { type AgentHostPort, SessionToolbox } from "./session-toolbox.js";
