import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  type CreateReActAgentRequest,
  CreateReActAgentRequestSchema,
  type CreateReActAgentResponse,
  DEFAULT_LIMITS,
  type ExecuteAgentRequest,
  ExecuteAgentRequestSchema,
  type ExecuteAgentResponse,
  encodeValue,
  ProtocolError,
} from "@toolbridge/protocol";
import { type AgentEvent, agentEvent } from "./agent-events.js";
import { type Connection, closedError } from "./connection.js";
import { callError } from "./error-mapping.js";
import { serverStreamMethod, unaryMethod } from "./rpc.js";

/** Which language model runs an agent; unset fields take the host's configuration. */
export interface AgentLlmOptions {
  /** "scripted" (the host's deterministic test double) or "openai" (chat completions). */
  provider?: string;
  model?: string;
  /** Only the host operator's values are accepted (PermissionDenied otherwise). */
  baseUrl?: string;
  apiKeyEnv?: string;
  temperature?: number;
  options?: Record<string, string>;
}

export interface CreateAgentOptions {
  /** Tools the agent may call; default every (non-streaming) tool of the session. */
  toolNames?: string[];
  /** At most this many thought/action steps (host default 5). */
  maxIters?: number;
  llm?: AgentLlmOptions;
  /** Extra instructions for the model. */
  instructions?: string;
  /** Timeout of each step, model call and tool call (host default when unset). */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What createReactAgent returns: the agent's id and its parsed signature. */
export interface CreatedAgent {
  readonly agentId: string;
  readonly inputFields: readonly string[];
  readonly outputFields: readonly string[];
}

export interface ExecuteAgentOptions {
  /** Stops the run and its tool calls on the host. */
  signal?: AbortSignal;
  /** Overall timeout of the run (default 10 min), sent to the host and used as the call's deadline. */
  timeoutMs?: number;
  requestId?: string;
}

/** ReAct agents of one session: define them, run them as a stream of events. */
export class Agents {
  private readonly createMethod;
  private readonly executeMethod;

  constructor(
    private readonly connection: Connection,
    private readonly sessionId: string,
  ) {
    this.createMethod = unaryMethod<CreateReActAgentRequest, CreateReActAgentResponse>(
      connection.client,
      "CreateReActAgent",
    );
    this.executeMethod = serverStreamMethod<ExecuteAgentRequest, ExecuteAgentResponse>(
      connection.client,
      "ExecuteAgent",
    );
  }

  /**
   * Defines an agent ("question -> answer", DSPy notation). FailedPrecondition
   * when the host runs no LLM (its message says how to configure one),
   * InvalidArgument for a bad signature, ToolNotFound for unknown tools.
   */
  async create(signature: string, options: CreateAgentOptions = {}): Promise<CreatedAgent> {
    const request = create(CreateReActAgentRequestSchema, {
      sessionId: this.sessionId,
      signature,
      toolNames: options.toolNames,
      maxIters: options.maxIters,
      llm: options.llm,
      instructions: options.instructions,
      stepTimeoutMs: options.stepTimeoutMs,
    });
    const response = await this.connection.unary(this.createMethod, request, `agent ${signature}`, {
      signal: options.signal,
    });
    return { agentId: response.agentId, inputFields: response.inputFields, outputFields: response.outputFields };
  }

  /**
   * Runs an agent, yielding its events as they happen. A failure of the run
   * itself arrives as the last event (`type: "error"`), as in the Python
   * client; a failure of the call (unknown agent, ended session, transport,
   * cancellation) is thrown after every event received was yielded. Leaving
   * the loop early cancels the run on the host.
   */
  async *execute(
    agentId: string,
    inputs: Record<string, unknown>,
    options: ExecuteAgentOptions = {},
  ): AsyncGenerator<AgentEvent, void, undefined> {
    const context = { toolName: `agent ${agentId}` };
    const { signal } = options;
    if (signal?.aborted) throw callError(undefined, context, signal);
    const timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.agentTimeoutMs;
    const encoded: Record<string, Any> = {};
    for (const [name, value] of Object.entries(inputs)) encoded[name] = encodeValue(value);
    const request = create(ExecuteAgentRequestSchema, {
      sessionId: this.sessionId,
      agentId,
      inputs: encoded,
      requestId: options.requestId ?? this.connection.nextRequestId(),
      timeoutMs,
    });
    if (this.connection.isClosed) throw closedError(undefined);
    const call = this.executeMethod(request, this.connection.metadata(), { deadline: Date.now() + timeoutMs });
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    let received = 0;
    let finished = false;
    try {
      for await (const response of call as AsyncIterable<ExecuteAgentResponse>) {
        if (finished) throw new ProtocolError(`agent ${agentId}: event ${response.sequence} after the final event`);
        if (response.sequence !== BigInt(received)) {
          throw new ProtocolError(`agent ${agentId}: event sequence ${response.sequence}, expected ${received}`, {
            details: { expected: String(received), received: String(response.sequence) },
          });
        }
        received++;
        const event = agentEvent(response);
        finished = event.type === "result" || event.type === "error";
        yield event;
      }
      if (!finished) {
        throw new ProtocolError(`agent ${agentId}: run ended after ${received} events without a result or error`);
      }
    } catch (thrown) {
      throw callError(thrown, context, signal);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!finished) call.cancel();
    }
  }
}
