import { create } from "@bufbuild/protobuf";
import {
  type InitializeSessionRequest,
  InitializeSessionRequestSchema,
  type InitializeSessionResponse,
  ToolBridgeError,
  type ToolSpec,
} from "@toolbridge/protocol";
import type { AgentEvent } from "./agent-events.js";
import { Agents, type CreateAgentOptions, type CreatedAgent, type ExecuteAgentOptions } from "./agents.js";
import { bindCallArguments, bindCallValues } from "./args.js";
import { type BatchCall, type BatchOptions, type BatchResult, executeBatch } from "./batch.js";
import { Connection, type ConnectionSettings } from "./connection.js";
import { createProxyTool } from "./proxy.js";
import { unaryMethod } from "./rpc.js";
import { Session, type SessionInfo, toSessionInfo } from "./session.js";
import type {
  BackoffOptions,
  CallArguments,
  CallOptions,
  ProxyTool,
  ToolSignature,
  Tools,
  ToolTypeMap,
  UntypedSignature,
} from "./types.js";

/** Options of `new ToolBridge(address, options)`. */
export interface ToolBridgeOptions extends ConnectionSettings {}

export interface InitializeOptions {
  /** Free-form metadata stored with the session. */
  metadata?: Record<string, string>;
  /** Per-session settings (concurrency, default timeout, idle TTL). */
  config?: { maxConcurrentTools?: number; defaultTimeoutMs?: number; idleTtlMs?: number };
  signal?: AbortSignal;
}

export interface RetryOptions extends Omit<CallOptions, "retry"> {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Cancel and retry an attempt that runs longer than this (same request_id). */
  attemptTimeoutMs?: number;
}

/** What `initialize()` learnt about the session. */
export interface SessionSummary {
  readonly toolCount: number;
  readonly capabilities: readonly string[];
  readonly info: SessionInfo | undefined;
}

/**
 * A client of one toolbridge host: opens a session, exposes its tools as async
 * functions, and runs calls, streams and batches with deadlines, retries and
 * typed errors. Pass a type map (from `toolbridge tools --emit-ts`) for typed tools.
 */
export class ToolBridge<M extends ToolTypeMap = ToolTypeMap> {
  private readonly connection: Connection;
  private current:
    | { session: Session; agents: Agents; tools: Tools<M>; specs: Map<string, ToolSpec>; summary: SessionSummary }
    | undefined;
  private readonly initializeMethod;

  constructor(
    readonly address: string,
    options: ToolBridgeOptions = {},
  ) {
    this.connection = new Connection(address, options);
    this.initializeMethod = unaryMethod<InitializeSessionRequest, InitializeSessionResponse>(
      this.connection.client,
      "InitializeSession",
    );
  }

  /**
   * Opens session `sessionId` and returns its tools. AlreadyExists when the id
   * is taken. Later calls of this bridge (executeTool, session, ...) use it.
   */
  async initialize<T extends ToolTypeMap = M>(sessionId: string, options: InitializeOptions = {}): Promise<Tools<T>> {
    const request = create(InitializeSessionRequestSchema, {
      sessionId,
      metadata: options.metadata,
      config: options.config && {
        maxConcurrentTools: options.config.maxConcurrentTools,
        defaultTimeoutMs: options.config.defaultTimeoutMs,
        idleTtlMs: options.config.idleTtlMs === undefined ? undefined : BigInt(options.config.idleTtlMs),
      },
    });
    const response = await this.connection.unary(this.initializeMethod, request, undefined, {
      signal: options.signal,
      retry: false,
    });
    const specs = new Map(response.tools.map((spec) => [spec.name, spec]));
    const tools: Record<string, ProxyTool> = {};
    for (const spec of response.tools) tools[spec.name] = createProxyTool(this.connection, sessionId, spec);
    Object.freeze(tools);
    this.current = {
      session: new Session(this.connection, sessionId),
      agents: new Agents(this.connection, sessionId),
      tools: tools as Tools<M>,
      specs,
      summary: {
        toolCount: response.toolCount,
        capabilities: response.capabilities,
        info: response.session && toSessionInfo(response.session),
      },
    };
    return tools as Tools<T>;
  }

  /** The current session's tools. */
  get tools(): Tools<M> {
    return this.opened().tools;
  }

  /** Variables, watch, info and cleanup of the current session. */
  get session(): Session {
    return this.opened().session;
  }

  get sessionId(): string {
    return this.opened().session.id;
  }

  /** Tool count, capabilities and session info returned by initialize. */
  get summary(): SessionSummary {
    return this.opened().summary;
  }

  /** A tool by name; ToolNotFound (before any call) when the session has none of that name. */
  tool<K extends keyof M & string>(name: K): ProxyTool<M[K]>;
  tool(name: string): ProxyTool<UntypedSignature>;
  tool(name: string): ProxyTool<UntypedSignature> {
    const tool = (this.opened().tools as Record<string, ProxyTool>)[name];
    if (tool === undefined) {
      throw new ToolBridgeError("ToolNotFound", `session ${this.sessionId} has no tool named ${name}`, {
        details: { tool_name: name, session_id: this.sessionId },
      });
    }
    return tool;
  }

  /** Calls a tool by name with proxy-style arguments: `executeTool("add", 1, 2)`. */
  executeTool(name: string, ...values: unknown[]): Promise<unknown> {
    const { session, specs } = this.opened();
    try {
      return this.connection.executeTool(
        this.target(session.id, name),
        bindCallValues(specs.get(name), values),
        undefined,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Calls a tool by name with explicit arguments (array: positional, object: keyword) and options. */
  callTool(name: string, args: CallArguments<ToolSignature> = [], options?: CallOptions): Promise<unknown> {
    const { session } = this.opened();
    try {
      return this.connection.executeTool(this.target(session.id, name), bindCallArguments(args), options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Streams a tool by name with proxy-style arguments. */
  streamTool(name: string, ...values: unknown[]): AsyncIterable<unknown> {
    const { session, specs } = this.opened();
    return this.connection.streamTool(
      this.target(session.id, name),
      () => bindCallValues(specs.get(name), values),
      undefined,
    );
  }

  /** Streams a tool by name with explicit arguments and options. */
  openStream(name: string, args: CallArguments<ToolSignature> = [], options?: CallOptions): AsyncIterable<unknown> {
    const { session } = this.opened();
    return this.connection.streamTool(this.target(session.id, name), () => bindCallArguments(args), options);
  }

  /**
   * Runs several calls in one round trip (per 100 items). Results are in
   * request order; a failed item is its ToolBridgeError in place of a value.
   */
  executeBatch(calls: readonly BatchCall[], options?: BatchOptions): Promise<BatchResult[]> {
    const { session, specs } = this.opened();
    return executeBatch(this.connection, session.id, (name) => toolIdOf(specs, name), calls, options);
  }

  /**
   * Calls a tool, retrying UNAVAILABLE, rate limits (after retry_after) and
   * attempts cut by `attemptTimeoutMs`, with the same request_id each time, as
   * long as the overall `timeoutMs` allows.
   */
  executeWithRetry<S extends ToolSignature>(
    tool: ProxyTool<S>,
    args?: CallArguments<S>,
    options?: RetryOptions,
  ): Promise<S["result"]>;
  executeWithRetry(tool: string, args?: CallArguments<UntypedSignature>, options?: RetryOptions): Promise<unknown>;
  executeWithRetry(
    tool: string | ProxyTool<ToolSignature>,
    args: CallArguments<ToolSignature> = [],
    options: RetryOptions = {},
  ): Promise<unknown> {
    const { maxRetries = 3, backoff, attemptTimeoutMs, ...callOptions } = options;
    const retry = { maxRetries, backoff, attemptTimeoutMs };
    if (typeof tool === "string") return this.callTool(tool, args, { ...callOptions, retry });
    return tool.call(args, { ...callOptions, retry });
  }

  /**
   * Defines a ReAct agent over the session's tools: `"question -> answer"`
   * (DSPy notation). FailedPrecondition, saying how to configure one, when the
   * host runs no LLM.
   */
  createReactAgent(signature: string, options?: CreateAgentOptions): Promise<CreatedAgent> {
    return this.opened().agents.create(signature, options);
  }

  /**
   * Runs an agent on inputs keyed by its input fields, yielding `thought`,
   * `action`, `observation`, then one `result` or `error` event (the Python
   * client's dicts, camelCase). Call failures (unknown agent, transport,
   * cancellation) are thrown after the events received.
   */
  executeAgentStreaming(
    agentId: string,
    inputs: Record<string, unknown>,
    options?: ExecuteAgentOptions,
  ): AsyncGenerator<AgentEvent, void, undefined> {
    return this.opened().agents.execute(agentId, inputs, options);
  }

  /**
   * Closes the channel. Calls already under way finish; later calls fail with
   * FailedPrecondition. The session stays on the host (see `session.cleanup`).
   */
  async close(): Promise<void> {
    this.connection.close();
  }

  private target(sessionId: string, name: string) {
    return { sessionId, toolId: toolIdOf(this.opened().specs, name), toolName: name };
  }

  private opened() {
    if (this.current === undefined) {
      throw new ToolBridgeError("FailedPrecondition", "call initialize(sessionId) before using the bridge");
    }
    return this.current;
  }
}

function toolIdOf(specs: Map<string, ToolSpec>, name: string): string {
  const spec = specs.get(name);
  return spec === undefined || spec.toolId === "" ? name : spec.toolId;
}
