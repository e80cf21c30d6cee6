import type { SessionHandle, ToolContext } from "@toolbridge/host";
import type { Logger } from "pino";
import { bindCallArguments } from "../args.js";
import type { Connection } from "../connection.js";
import { Session } from "../session.js";
import type { CallArguments, CallOptions, UntypedSignature } from "../types.js";

/** What a worker tool's handler gets: the host's ToolContext plus calls back into its session. */
export interface WorkerToolContext extends ToolContext {
  /** Calls another tool of this session; never with more time than this call has left. */
  callTool(name: string, args?: CallArguments<UntypedSignature>, options?: CallOptions): Promise<unknown>;
  /** Streams another tool of this session. */
  streamTool(name: string, args?: CallArguments<UntypedSignature>, options?: CallOptions): AsyncIterable<unknown>;
  /** Milliseconds this call has left. */
  remainingMs(): number;
}

export interface CallInfo {
  readonly sessionId: string;
  readonly requestId: string;
  readonly toolName: string;
  readonly deadline: number;
  readonly context: { readonly [key: string]: string };
}

/**
 * ToolContext of one call on a worker. Its session handle and nested calls go to
 * the host through the worker's client connection, with the call's signal (so
 * cancelling the call cancels them) and at most the time the call has left.
 * Nested request_ids derive from the call's, so when the host re-runs a call on
 * another replica its nested calls are answered from the host's idempotency
 * cache rather than run twice.
 */
export class WorkerCallContext implements WorkerToolContext {
  private nested = 0;
  private sessionCache: SessionHandle | undefined;
  private loggerCache: Logger | undefined;

  constructor(
    private readonly info: CallInfo,
    readonly signal: AbortSignal,
    private readonly connection: () => Connection,
    private readonly rootLogger: Logger,
  ) {}

  get sessionId(): string {
    return this.info.sessionId;
  }

  get requestId(): string {
    return this.info.requestId;
  }

  get deadline(): number {
    return this.info.deadline;
  }

  get context(): { readonly [key: string]: string } {
    return this.info.context;
  }

  get logger(): Logger {
    this.loggerCache ??= this.rootLogger.child({
      request_id: this.requestId,
      session_id: this.sessionId,
      tool: this.info.toolName,
    });
    return this.loggerCache;
  }

  remainingMs(): number {
    return Math.max(0, this.info.deadline - Date.now());
  }

  callTool(name: string, args: CallArguments<UntypedSignature> = [], options: CallOptions = {}): Promise<unknown> {
    const target = { sessionId: this.sessionId, toolId: name, toolName: name };
    return this.connection().executeTool(target, bindCallArguments(args), this.nestedOptions(options));
  }

  streamTool(
    name: string,
    args: CallArguments<UntypedSignature> = [],
    options: CallOptions = {},
  ): AsyncIterable<unknown> {
    const target = { sessionId: this.sessionId, toolId: name, toolName: name };
    return this.connection().streamTool(target, () => bindCallArguments(args), this.nestedOptions(options));
  }

  get session(): SessionHandle {
    this.sessionCache ??= this.sessionHandle();
    return this.sessionCache;
  }

  private nestedOptions(options: CallOptions): CallOptions {
    const left = Math.max(1, this.remainingMs());
    const signal = options.signal ? AbortSignal.any([this.signal, options.signal]) : this.signal;
    return {
      ...options,
      signal,
      timeoutMs: Math.min(options.timeoutMs ?? left, left),
      requestId: options.requestId ?? `${this.requestId}/${++this.nested}`,
    };
  }

  private sessionHandle(): SessionHandle {
    const session = new Session(this.connection(), this.sessionId);
    const signal = this.signal;
    const createdBy = `worker:${this.info.toolName}`;
    return {
      id: this.sessionId,
      getVariable: (name) => session.get(name, { signal }),
      async setVariable(name, value, options = {}) {
        await session.set(name, value, { ...options, createdBy, signal });
      },
      deleteVariable: (name) => session.delete(name, { signal }),
      async listVariables(prefix = "") {
        const out: Record<string, unknown> = {};
        for (const variable of await session.list({ prefix, signal })) out[variable.name] = variable.value;
        return out;
      },
    };
  }
}
