import { create } from "@bufbuild/protobuf";
import type { AgentToolbox, ToolCallOutcome, ToolDescription } from "@toolbridge/agent";
import {
  decodeValue,
  type ExecuteToolRequest,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  encodeValue,
  setOwn,
  type ToolSpec,
  ToolType,
} from "@toolbridge/protocol";
import type { CallContext } from "../core/call-scope.js";

/** The parts of the host an agent run uses: the same execute path as the ExecuteTool RPC, and the session's tool list. */
export interface AgentHostPort {
  executeTool(req: ExecuteToolRequest, cc: CallContext): Promise<ExecuteToolResponse>;
  readonly registry: { visibleSpecs(sessionId: string): ToolSpec[] };
}

/**
 * An agent's view of its session's tools. Every call goes through
 * BridgeCore.executeTool, so limits, metrics, timeouts and worker routing apply
 * exactly as to a client's ExecuteTool. `allowed` empty means every tool the
 * session sees when a run starts (tools registered after the agent was created included).
 */
export class SessionToolbox implements AgentToolbox {
  constructor(
    private readonly host: AgentHostPort,
    private readonly sessionId: string,
    private readonly allowed: readonly string[],
    private readonly context: { agentId: string; principal?: string },
  ) {}

  list(): ToolDescription[] {
    return agentTools(this.host.registry.visibleSpecs(this.sessionId), this.allowed).map(describeTool);
  }

  async call(
    name: string,
    input: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ToolCallOutcome> {
    const kwargs: ExecuteToolRequest["kwargs"] = {};
    for (const [key, value] of Object.entries(input)) setOwn(kwargs, key, encodeValue(value));
    const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs));
    const request = create(ExecuteToolRequestSchema, {
      sessionId: this.sessionId,
      toolId: name,
      kwargs,
      timeoutMs,
      context: { agent_id: this.context.agentId },
    });
    const cc: CallContext = {
      signal: options.signal,
      deadlineMs: Date.now() + timeoutMs,
      ...(this.context.principal === undefined ? {} : { principal: this.context.principal }),
    };
    const response = await this.host.executeTool(request, cc);
    const metrics = response.metrics && {
      durationMs: response.metrics.durationMs,
      queuedMs: response.metrics.queuedMs,
      resultBytes: Number(response.metrics.resultBytes),
      workerId: response.metrics.workerId,
      attempts: response.metrics.attempts,
    };
    if (!response.success) {
      const error = {
        type: response.error?.type || "ToolError",
        message: response.error?.message ?? "",
        details: { ...response.error?.details },
      };
      return { success: false, error, ...(metrics ? { metrics } : {}) };
    }
    return {
      success: true,
      result: response.result ? decodeValue(response.result) : null,
      ...(metrics ? { metrics } : {}),
    };
  }
}

/**
 * The tools an agent may call: the allowed ones (all when `allowed` is empty),
 * minus streaming tools, whose chunks have no place in a single observation.
 */
export function agentTools(specs: readonly ToolSpec[], allowed: readonly string[]): ToolSpec[] {
  return specs.filter(
    (s) =>
      s.type !== ToolType.STREAMING && (allowed.length === 0 || allowed.includes(s.name) || allowed.includes(s.toolId)),
  );
}

function describeTool(spec: ToolSpec): ToolDescription {
  let inputSchema: Record<string, unknown> = { type: "object" };
  if (spec.inputJsonSchema !== "") {
    try {
      inputSchema = JSON.parse(spec.inputJsonSchema) as Record<string, unknown>;
    } catch {
      // A worker may publish a broken schema; the model still gets the name and description.
    }
  }
  return { name: spec.name, description: spec.description, inputSchema };
}
