import { create } from "@bufbuild/protobuf";
import {
  createLanguageModel,
  DEFAULT_MAX_ITERS,
  DEFAULT_STEP_TIMEOUT_MS,
  parseSignature,
  ReActAgent,
} from "@toolbridge/agent";
import {
  type CreateReActAgentRequest,
  type CreateReActAgentResponse,
  CreateReActAgentResponseSchema,
  DEFAULT_LIMITS,
  decodeValue,
  type ExecuteAgentRequest,
  type ExecuteAgentResponse,
} from "@toolbridge/protocol";
import type { Logger } from "pino";
import type { AgentService } from "../core/bridge-core.js";
import type { CallContext } from "../core/call-scope.js";
import { hostError } from "../errors.js";
import type { SessionState } from "../store/types.js";
import { AgentRegistry } from "./agent-registry.js";
import { AgentChunkEncoder } from "./event-chunks.js";
import { type HostLlmOptions, resolveLlmSettings } from "./llm-settings.js";
import { type AgentHostPort, agentTools, SessionToolbox } from "./session-toolbox.js";

export interface AgentRuntimeOptions {
  /** BridgeCore (or anything with its executeTool, registry and store). */
  host: AgentHostPort & {
    readonly store: {
      touchSession(id: string): Promise<SessionState>;
      onSessionEnded(listener: (id: string) => void): () => void;
    };
  };
  llm: HostLlmOptions;
  logger: Logger;
  /** Where an API key named by apiKeyEnv is looked up (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Largest max_iters a request may ask for (default 50). */
  maxItersLimit?: number;
  maxAgentsPerSession?: number;
}

/**
 * CreateReActAgent and ExecuteAgent: agents are defined per session and run
 * the ReAct loop of @toolbridge/agent over the session's tools, streaming one
 * chunk per step event. A run's failures (tool errors, unusable model output,
 * timeouts, cancellation, the session ending) arrive as an `error` chunk; only
 * problems known before the run starts (unknown session or agent, bad inputs)
 * are gRPC status errors.
 */
export class AgentRuntime implements AgentService {
  private readonly agents: AgentRegistry;
  private readonly maxItersLimit: number;

  constructor(private readonly options: AgentRuntimeOptions) {
    this.agents = new AgentRegistry(options.maxAgentsPerSession ?? 1_000);
    this.maxItersLimit = options.maxItersLimit ?? 50;
    options.host.store.onSessionEnded((id) => this.agents.dropSession(id));
    // Say loudly which kind of model answers, so a scripted test double is never taken for a real LLM.
    options.logger.info(
      { llm: options.llm.provider, model: options.llm.model, base_url: options.llm.baseUrl },
      `agents enabled with ${describeProvider(options.llm)}`,
    );
  }

  async createReActAgent(req: CreateReActAgentRequest, _cc: CallContext): Promise<CreateReActAgentResponse> {
    const signature = parseSignature(req.signature);
    if (req.maxIters > this.maxItersLimit) {
      throw hostError("InvalidArgument", `max_iters must be at most ${this.maxItersLimit}, got ${req.maxIters}`, {
        field: "max_iters",
      });
    }
    const settings = resolveLlmSettings(this.options.llm, req.llm);
    const env = this.options.env ?? process.env;
    // Built once now so a bad configuration fails here rather than on the first run.
    const modelLabel = createLanguageModel(settings, env).label;
    const session = await this.options.host.store.touchSession(req.sessionId);
    const visible = this.options.host.registry.visibleSpecs(session.id);
    const usable = agentTools(visible, req.toolNames);
    const missing = req.toolNames.filter((name) => !usable.some((s) => s.name === name || s.toolId === name));
    if (missing.length > 0) {
      const streaming = missing.filter((name) => visible.some((s) => s.name === name || s.toolId === name));
      const reason = streaming.length > 0 ? ` (${streaming.join(", ")}: streaming tools cannot be agent actions)` : "";
      throw hostError(
        "ToolNotFound",
        `session ${session.id} has no agent-callable tool ${missing.join(", ")}${reason}`,
        {
          session_id: session.id,
          tool_name: missing[0] as string,
        },
      );
    }
    const agent = this.agents.add({
      sessionId: session.id,
      signature,
      toolNames: [...req.toolNames],
      maxIters: req.maxIters || DEFAULT_MAX_ITERS,
      stepTimeoutMs: req.stepTimeoutMs || DEFAULT_STEP_TIMEOUT_MS,
      instructions: req.instructions,
      createModel: () => createLanguageModel(settings, env),
      modelLabel,
    });
    this.options.logger.info(
      {
        session_id: session.id,
        agent_id: agent.id,
        signature: signature.text,
        tools: agent.toolNames,
        llm: modelLabel,
      },
      "agent created",
    );
    return create(CreateReActAgentResponseSchema, {
      agentId: agent.id,
      inputFields: signature.inputs.map((f) => f.name),
      outputFields: signature.outputs.map((f) => f.name),
    });
  }

  async *executeAgent(req: ExecuteAgentRequest, cc: CallContext): AsyncGenerator<ExecuteAgentResponse> {
    const session = await this.options.host.store.touchSession(req.sessionId);
    const definition = this.agents.get(session.id, req.agentId);
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(req.inputs)) inputs[name] = decodeValue(value);
    const agent = new ReActAgent({
      signature: definition.signature,
      model: definition.createModel(),
      toolbox: new SessionToolbox(this.options.host, session.id, definition.toolNames, {
        agentId: definition.id,
        ...(cc.principal === undefined ? {} : { principal: cc.principal }),
      }),
      maxIters: definition.maxIters,
      stepTimeoutMs: definition.stepTimeoutMs,
      ...(definition.instructions ? { instructions: definition.instructions } : {}),
    });

    // Ends the run when the client cancels or the session ends (then with SessionExpired).
    const controller = new AbortController();
    const onCancel = () => controller.abort(cc.signal.reason);
    cc.signal.addEventListener("abort", onCancel, { once: true });
    if (cc.signal.aborted) onCancel();
    const untrack = this.agents.trackRun(session.id, controller);
    const timeoutMs = Math.min(req.timeoutMs || DEFAULT_LIMITS.agentTimeoutMs, Math.max(1, cc.deadlineMs - Date.now()));
    const requestId = req.requestId;
    const encoder = new AgentChunkEncoder({ sessionId: session.id, requestId });
    const log = this.options.logger.child({ session_id: session.id, agent_id: definition.id, request_id: requestId });
    log.info({ llm: definition.modelLabel }, "agent run started");
    let outcome = "abandoned";
    try {
      for await (const event of agent.run(inputs, { signal: controller.signal, timeoutMs })) {
        if (event.type === "result") outcome = `result after ${event.totalSteps} steps`;
        if (event.type === "error") outcome = `${event.error.type}: ${event.error.message}`;
        yield encoder.encode(event);
      }
    } finally {
      untrack();
      cc.signal.removeEventListener("abort", onCancel);
      controller.abort();
      log.info({ outcome }, "agent run ended");
    }
  }
}

function describeProvider(llm: HostLlmOptions): string {
  return llm.provider === "scripted"
    ? "the scripted model (a deterministic test double, not a real LLM)"
    : `an OpenAI-compatible model ${llm.model ?? ""} at ${llm.baseUrl ?? "(no base URL)"}`;
}
