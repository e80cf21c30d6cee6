export * from "./agents/index.js";
export type { AgentService, BridgeCoreOptions } from "./core/bridge-core.js";
export { BridgeCore } from "./core/bridge-core.js";
export type { CallContext, StopReason } from "./core/call-scope.js";
export type { RateLimitOptions } from "./core/session-runtime.js";
export { type CallRequest, ToolRunner, type ToolRunnerOptions } from "./core/tool-runner.js";
export { errorInfoFromThrown, errorTypeOf, ToolFailure, validationFailure } from "./errors.js";
// The gateway (fastify) and the Redis store (redis) load on demand, so their values live
// behind "@toolbridge/host/gateway" and "@toolbridge/host/redis": a re-export here would
// load them with every import of this package.
export type { Gateway, GatewayOptions } from "./gateway/index.js";
export { anyFromJson, jsonFromAny } from "./gateway/json-values.js";
export { GrpcAdapter, type GrpcAdapterOptions } from "./grpc/adapter.js";
export { OversizedRequest } from "./grpc/message-limit.js";
export { toGrpcStatus } from "./grpc/status.js";
export { type CloseOptions, createHost, type Host, type HostOptions } from "./host.js";
export { createLogger, type LogLevel } from "./observability/logger.js";
export { HostMetrics } from "./observability/metrics.js";
export { ToolRegistry } from "./registry/registry.js";
export type { SessionHandle, ToolCall, ToolContext, ToolExecutor } from "./registry/types.js";
export * from "./security/index.js";
export { MemorySessionStore, type MemorySessionStoreOptions } from "./store/memory.js";
export type { Cluster, ClusterOptions, RedisSessionStore, RedisSessionStoreOptions } from "./store/redis.js";
export type {
  CleanupResult,
  RequestLedger,
  SessionEndReason,
  SessionInit,
  SessionState,
  SessionStore,
  SharedRateLimits,
  VariablePage,
  VariableQuery,
  VariableWrite,
  WatchOptions,
} from "./store/types.js";
export { defineTool, type ToolDefinition, type ToolLimitOptions, type ToolOptions } from "./tool/define-tool.js";
export * from "./workers/index.js";
