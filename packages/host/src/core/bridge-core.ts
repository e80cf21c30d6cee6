import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type BatchExecuteToolsRequest,
  type BatchExecuteToolsResponse,
  type CleanupSessionRequest,
  type CleanupSessionResponse,
  CleanupSessionResponseSchema,
  type CreateReActAgentRequest,
  type CreateReActAgentResponse,
  type DeleteVariableRequest,
  type DeleteVariableResponse,
  DeleteVariableResponseSchema,
  type ExecuteAgentRequest,
  type ExecuteAgentResponse,
  type ExecuteToolRequest,
  type ExecuteToolResponse,
  type GetMetricsRequest,
  type GetMetricsResponse,
  GetMetricsResponseSchema,
  type GetSessionInfoRequest,
  type GetSessionInfoResponse,
  GetSessionInfoResponseSchema,
  type GetSessionToolsRequest,
  type GetSessionToolsResponse,
  GetSessionToolsResponseSchema,
  type GetVariableRequest,
  type GetVariableResponse,
  GetVariableResponseSchema,
  type HealthCheckRequest,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  type InitializeSessionRequest,
  type InitializeSessionResponse,
  InitializeSessionResponseSchema,
  type ListVariablesRequest,
  type ListVariablesResponse,
  ListVariablesResponseSchema,
  ServingStatus,
  type SessionInfo,
  SessionInfoSchema,
  type SetVariableRequest,
  type SetVariableResponse,
  SetVariableResponseSchema,
  type StreamToolRequest,
  type StreamToolResponse,
  type WatchVariablesRequest,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import { hostError } from "../errors.js";
import type { HostMetrics } from "../observability/metrics.js";
import type { ToolRegistry } from "../registry/registry.js";
import type { ToolExecutor } from "../registry/types.js";
import type { SessionState, SessionStore } from "../store/types.js";
import type { CallContext } from "./call-scope.js";
import type { ToolRunner } from "./tool-runner.js";
import { inferValueType } from "./value-type.js";

/**
 * Agents plug in here (packages/host/src/agents). Without one, the agent RPCs
 * fail with FailedPrecondition.
 */
export interface AgentService {
  createReActAgent(req: CreateReActAgentRequest, cc: CallContext): Promise<CreateReActAgentResponse>;
  executeAgent(req: ExecuteAgentRequest, cc: CallContext): AsyncIterable<ExecuteAgentResponse>;
}

/**
 * Admission of new sessions by who asks (packages/host/src/security: a cap per
 * principal). `admit` throws to refuse, or holds a place the caller settles.
 */
export interface SessionAdmission {
  admit(principal: string | undefined): { created(sessionId: string): void; failed(): void } | undefined;
}

export interface BridgeCoreOptions {
  store: SessionStore;
  registry: ToolRegistry;
  runner: ToolRunner;
  metrics: HostMetrics;
  version: string;
  agents?: AgentService;
  /** Connected worker processes, for HealthCheck. */
  workerCount?: () => number;
  sessionAdmission?: SessionAdmission;
}

const CAPABILITIES = ["execute", "stream", "batch", "variables", "watch", "idempotency", "metrics"];
const NO_LLM =
  "no LLM configured: start the host with --llm scripted or --llm openai --llm-base-url URL --llm-model NAME";

/**
 * The transport-neutral service: one method per BridgeService RPC, taking the
 * protobuf request and a CallContext, returning the response (or an async
 * iterable of them) and throwing ToolBridgeError for status failures. The gRPC
 * adapter and the HTTP gateway both call this.
 */
export class BridgeCore {
  private readonly startedAt = Date.now();
  private draining = false;
  /** Set once an agent runtime is plugged in (createHost does it for the `llm` option). */
  agents: AgentService | undefined;
  /** Connected workers, for HealthCheck; set by whatever serves ConnectWorker. */
  workerCount: () => number;

  constructor(private readonly options: BridgeCoreOptions) {
    this.agents = options.agents;
    this.workerCount = options.workerCount ?? (() => 0);
    options.store.onSessionEnded((id) => {
      options.runner.sessionEnded(id);
      options.registry.dropSession(id);
    });
  }

  get store(): SessionStore {
    return this.options.store;
  }

  get registry(): ToolRegistry {
    return this.options.registry;
  }

  // ---- sessions -------------------------------------------------------------

  async initializeSession(req: InitializeSessionRequest, cc: CallContext): Promise<InitializeSessionResponse> {
    this.checkServing();
    const id = req.sessionId || randomUUID();
    const place = this.options.sessionAdmission?.admit(cc.principal);
    let state: SessionState;
    try {
      state = await this.options.store.createSession(id, {
        metadata: req.metadata,
        idleTtlMs: Number(req.config?.idleTtlMs ?? 0n),
        owner: cc.principal ?? "",
        ...(req.config ? { config: req.config } : {}),
      });
    } catch (error) {
      place?.failed();
      throw error;
    }
    place?.created(id);
    const tools = this.options.registry.visibleSpecs(id);
    return create(InitializeSessionResponseSchema, {
      success: true,
      toolCount: tools.length,
      capabilities: this.agents ? [...CAPABILITIES, "agents"] : CAPABILITIES,
      tools,
      session: this.sessionInfo(state),
    });
  }

  async cleanupSession(req: CleanupSessionRequest, _cc: CallContext): Promise<CleanupSessionResponse> {
    const state = await this.options.store.getSession(req.sessionId);
    const running = this.options.runner.inFlight(state.id);
    if (running > 0 && !req.force) {
      throw hostError(
        "FailedPrecondition",
        `session ${state.id} has ${running} calls in flight; pass force to cancel them`,
        { session_id: state.id, in_flight_calls: String(running) },
      );
    }
    const result = await this.options.store.cleanupSession(state.id);
    return create(CleanupSessionResponseSchema, {
      success: true,
      cancelledCalls: running,
      variablesRemoved: result.variablesRemoved,
      toolsRemoved: result.toolsRemoved,
    });
  }

  async getSessionInfo(req: GetSessionInfoRequest, _cc: CallContext): Promise<GetSessionInfoResponse> {
    const state = await this.options.store.getSession(req.sessionId);
    return create(GetSessionInfoResponseSchema, { session: this.sessionInfo(state) });
  }

  async getSessionTools(req: GetSessionToolsRequest, _cc: CallContext): Promise<GetSessionToolsResponse> {
    const state = await this.options.store.touchSession(req.sessionId);
    const tools = this.options.registry.visibleSpecs(state.id);
    // With a shared store, session tools another host registered are listed too (calls get forwarded there).
    const listed = new Set(tools.map((s) => s.name));
    for (const spec of await this.options.store.listTools(state.id)) if (!listed.has(spec.name)) tools.push(spec);
    return create(GetSessionToolsResponseSchema, { tools });
  }

  /** Adds tools that only one session sees (their specs go to the store, executors stay here). */
  async registerSessionTools(sessionId: string, executors: readonly ToolExecutor[]): Promise<void> {
    await this.options.store.registerTools(
      sessionId,
      executors.map((e) => e.spec),
    );
    this.options.registry.registerSession(sessionId, executors);
  }

  /** Removes tools from one session (store and registry); returns how many were removed. */
  async unregisterSessionTools(sessionId: string, names: readonly string[]): Promise<number> {
    this.options.registry.unregisterSession(sessionId, names);
    return this.options.store.unregisterTools(sessionId, names);
  }

  // ---- tools ----------------------------------------------------------------

  /** Not an async function: the runner's promise is passed on as is, without another one wrapped around it. */
  executeTool(req: ExecuteToolRequest, cc: CallContext): Promise<ExecuteToolResponse> {
    const runner = this.options.runner;
    return this.options.store.touchSession(req.sessionId).then((session) => runner.execute(session, req, cc));
  }

  async *streamTool(req: StreamToolRequest, cc: CallContext): AsyncGenerator<StreamToolResponse> {
    const session = await this.options.store.touchSession(req.sessionId);
    yield* this.options.runner.stream(session, req, cc);
  }

  async batchExecuteTools(req: BatchExecuteToolsRequest, cc: CallContext): Promise<BatchExecuteToolsResponse> {
    const session = await this.options.store.touchSession(req.sessionId);
    return this.options.runner.batch(session, req, cc);
  }

  // ---- variables ------------------------------------------------------------

  async getVariable(req: GetVariableRequest, _cc: CallContext): Promise<GetVariableResponse> {
    await this.options.store.touchSession(req.sessionId);
    return create(GetVariableResponseSchema, {
      variable: await this.options.store.getVariable(req.sessionId, req.name),
    });
  }

  async setVariable(req: SetVariableRequest, cc: CallContext): Promise<SetVariableResponse> {
    if (!req.value) throw hostError("InvalidArgument", `variable ${req.name}: value is required`, { name: req.name });
    const variable = await this.options.store.setVariable(req.sessionId, {
      name: req.name,
      value: req.value,
      type: req.type || inferValueType(req.value),
      createdBy: req.createdBy || cc.principal || "",
      tags: req.tags,
      description: req.description,
      ...(req.expectedVersion === undefined ? {} : { expectedVersion: req.expectedVersion }),
    });
    return create(SetVariableResponseSchema, { variable });
  }

  async listVariables(req: ListVariablesRequest, _cc: CallContext): Promise<ListVariablesResponse> {
    const page = await this.options.store.listVariables(req.sessionId, {
      prefix: req.prefix,
      tags: req.tags,
      limit: req.limit,
      cursor: req.cursor,
    });
    return create(ListVariablesResponseSchema, page);
  }

  async deleteVariable(req: DeleteVariableRequest, _cc: CallContext): Promise<DeleteVariableResponse> {
    const deleted = await this.options.store.deleteVariable(req.sessionId, req.name, req.expectedVersion);
    return create(DeleteVariableResponseSchema, { deleted });
  }

  watchVariables(req: WatchVariablesRequest, cc: CallContext): Promise<AsyncIterable<WatchVariablesResponse>> {
    return this.options.store.watchVariables(req.sessionId, {
      names: req.names,
      prefix: req.prefix,
      includeInitial: req.includeInitial,
      signal: cc.signal,
    });
  }

  // ---- agents ---------------------------------------------------------------

  async createReActAgent(req: CreateReActAgentRequest, cc: CallContext): Promise<CreateReActAgentResponse> {
    if (!this.agents) throw hostError("FailedPrecondition", NO_LLM);
    return this.agents.createReActAgent(req, cc);
  }

  executeAgent(req: ExecuteAgentRequest, cc: CallContext): AsyncIterable<ExecuteAgentResponse> {
    if (!this.agents) throw hostError("FailedPrecondition", NO_LLM);
    return this.agents.executeAgent(req, cc);
  }

  // ---- operations -----------------------------------------------------------

  async healthCheck(_req: HealthCheckRequest, _cc: CallContext): Promise<HealthCheckResponse> {
    return create(HealthCheckResponseSchema, {
      status: this.draining ? ServingStatus.DRAINING : ServingStatus.SERVING,
      version: this.options.version,
      uptimeMs: BigInt(Date.now() - this.startedAt),
      sessions: await this.options.store.countSessions(),
      workers: this.workerCount(),
    });
  }

  async getMetrics(req: GetMetricsRequest, _cc: CallContext): Promise<GetMetricsResponse> {
    const metrics = this.options.metrics;
    return create(GetMetricsResponseSchema, {
      tools: metrics.toolMetrics(req.toolName),
      activeSessions: await this.options.store.countSessions(),
      inFlightCalls: metrics.inFlight,
      streamBytesSent: BigInt(metrics.streamBytesSent),
      uptimeMs: BigInt(Date.now() - this.startedAt),
    });
  }

  /** Shutdown, step 1: refuse new work, end open streams with an Unavailable chunk. */
  stopAccepting(): void {
    this.draining = true;
    this.options.runner.stopAccepting();
  }

  /** Shutdown, step 2: let running calls finish for up to graceMs, then stop them. */
  drain(graceMs: number): Promise<void> {
    return this.options.runner.drain(graceMs);
  }

  /** Tool calls admitted and not finished, including those waiting for a concurrency slot. */
  get admittedCalls(): number {
    return this.options.runner.activeCalls;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  private checkServing(): void {
    if (this.draining) throw hostError("Unavailable", "host shutting down");
  }

  private sessionInfo(state: SessionState): SessionInfo {
    return create(SessionInfoSchema, {
      sessionId: state.id,
      metadata: { ...state.metadata },
      createdAt: timestampFromMs(state.createdAt),
      lastActiveAt: timestampFromMs(state.lastActiveAt),
      expiresAt: timestampFromMs(state.lastActiveAt + state.idleTtlMs),
      toolCount: this.options.registry.visibleSpecs(state.id).length,
      variableCount: state.variableCount,
      inFlightCalls: this.options.runner.inFlight(state.id),
      ...(state.config ? { config: state.config } : {}),
      owner: state.owner,
    });
  }
}
