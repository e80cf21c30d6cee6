// @toolbridge/client: call a toolbridge host's tools as local async functions.
export { EncodeError, type ErrorType, ProtocolError, ToolBridgeError } from "@toolbridge/protocol";
export type {
  AgentActionEvent,
  AgentErrorDetail,
  AgentErrorEvent,
  AgentEvent,
  AgentObservationEvent,
  AgentResultEvent,
  AgentThoughtEvent,
} from "./agent-events.js";
export type { AgentLlmOptions, CreateAgentOptions, CreatedAgent, ExecuteAgentOptions } from "./agents.js";
export { KeywordArguments, kwargs } from "./args.js";
export type { BatchCall, BatchOptions, BatchResult } from "./batch.js";
export {
  type InitializeOptions,
  type RetryOptions,
  type SessionSummary,
  ToolBridge,
  type ToolBridgeOptions,
} from "./bridge.js";
export type { TlsOptions } from "./channel.js";
export { type EmitOptions, emitTypeScript } from "./emit-ts.js";
export { errorFromInfo, errorFromStatus } from "./error-mapping.js";
export {
  type FieldError,
  type GrpcStatusName,
  RateLimitedError,
  SessionExpiredError,
  ToolCommunicationError,
  ToolExecutionError,
  ValidationError,
} from "./errors.js";
export { DEFAULT_RETRY_POLICY } from "./retry.js";
export type {
  CleanupResult,
  ListVariablesOptions,
  Session,
  SessionInfo,
  SessionVariable,
  SetVariableOptions,
  VariableChange,
  WatchOptions,
} from "./session.js";
export type {
  BackoffOptions,
  CallArguments,
  CallOptions,
  ProxyTool,
  RetryPolicy,
  ToolSignature,
  Tools,
  ToolTypeMap,
  UntypedSignature,
} from "./types.js";
