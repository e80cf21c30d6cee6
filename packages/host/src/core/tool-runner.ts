import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  type BatchExecuteToolsRequest,
  type BatchExecuteToolsResponse,
  BatchExecuteToolsResponseSchema,
  BatchMetricsSchema,
  DEFAULT_LIMITS,
  type ErrorInfo,
  ErrorInfoSchema,
  type ErrorType,
  type ExecuteToolResponse,
  ExecuteToolResponseSchema,
  ExecutionMetricsSchema,
  isErrorType,
  type StreamToolRequest,
  type StreamToolResponse,
  StreamToolResponseSchema,
  ToolBridgeError,
} from "@toolbridge/protocol";
import type { Logger } from "pino";
import { errorInfoFromThrown, hostError } from "../errors.js";
import type { HostMetrics } from "../observability/metrics.js";
import type { ToolRegistry } from "../registry/registry.js";
import type { ToolCall, ToolExecutor } from "../registry/types.js";
import type { SessionState, SessionStore } from "../store/types.js";
import { type CallContext, CallScope } from "./call-scope.js";
import { successResponse } from "./execute-response.js";
import { IdempotencyCache } from "./idempotency.js";
import { Semaphore, TokenBucket } from "./limits.js";
import { type PackedResponse, PackedResponses } from "./packed-response.js";
import { type RateLimitOptions, rateBucket, type SessionRuntime } from "./session-runtime.js";
import { CallToolContext } from "./tool-context.js";

export interface ToolRunnerOptions {
  store: SessionStore;
  registry: ToolRegistry;
  metrics: HostMetrics;
  logger: Logger;
  /** Include stack traces in ErrorInfo. */
  debug: boolean;
  /** Largest result or chunk the host sends. */
  maxMessageBytes: number;
  maxBatchItems: number;
  defaultBatchParallelism: number;
  idempotencyWindowMs: number;
  /** request_id outcomes remembered at most, over all sessions. */
  maxIdempotencyEntries: number;
  /** Bytes of remembered results at most, over all sessions. */
  maxIdempotencyBytes: number;
  /** Token bucket applied to every session. */
  sessionRateLimit: RateLimitOptions | undefined;
  /** Per-host flood guard of every session, local even with a shared store (undefined: none). */
  sessionRateCeiling: RateLimitOptions | undefined;
  /** Concurrent calls per session when its config does not say (0 = unlimited). */
  sessionMaxConcurrentCalls: number;
  /** Calls waiting for a slot before ResourceExhausted (per tool or session limit). */
  maxQueuedCalls: number;
  /** Finds a tool this host lacks (another host's, in a cluster), called on behalf of `principal`; absent: ToolNotFound. */
  resolveRemote?: (
    sessionId: string,
    toolId: string,
    principal: string | undefined,
  ) => Promise<ToolExecutor | undefined>;
}

/** The parts of a unary call shared by ExecuteToolRequest and BatchItem. */
export interface CallRequest {
  readonly toolId: string;
  readonly args: Any[];
  readonly kwargs: { [key: string]: Any };
  readonly requestId: string;
  readonly timeoutMs?: number;
  readonly context?: { [key: string]: string };
}

interface ToolRuntime {
  readonly semaphore: Semaphore | undefined;
  readonly bucket: TokenBucket | undefined;
}

const NO_CONTEXT: { [key: string]: string } = Object.freeze({}) as { [key: string]: string };
/** Room left in a response for everything but the result bytes. */
const ENVELOPE_BYTES = 1024;

/**
 * Runs tool calls: resolves the executor, applies rate and concurrency limits,
 * timeouts and cancellation, idempotency, and turns every outcome into the
 * response shape (tool outcomes) or a ToolBridgeError (status failures).
 */
export class ToolRunner {
  private readonly sessions = new Map<string, SessionRuntime>();
  private readonly toolRuntimes = new WeakMap<ToolExecutor, ToolRuntime>();
  private readonly idempotency: IdempotencyCache<ExecuteToolResponse, PackedResponse>;
  private readonly active = new Set<CallScope>();
  private readonly streams = new Set<CallScope>();
  private idleWaiters: Array<() => void> = [];
  private accepting = true;
  /** Read once: checking the level on every call would cost more than the log line saves. */
  private readonly logCalls: boolean;

  constructor(private readonly options: ToolRunnerOptions) {
    this.idempotency = new IdempotencyCache(
      {
        windowMs: options.idempotencyWindowMs,
        maxEntries: options.maxIdempotencyEntries,
        maxBytes: options.maxIdempotencyBytes,
      },
      new PackedResponses(),
    );
    this.logCalls = options.logger.isLevelEnabled("debug");
  }

  /** Runs one unary call, or returns the first outcome of a repeated request_id. */
  execute(session: SessionState, req: CallRequest, cc: CallContext): Promise<ExecuteToolResponse> {
    if (req.requestId === "") return this.run(session, req, randomUUID(), cc);
    // A call another host forwarded here was deduplicated there.
    if (this.forwarded(cc)) return this.run(session, req, req.requestId, cc);
    const shared = this.options.store.requests;
    const cancelled = () => cc.signal.aborted;
    const run = () => this.run(session, req, req.requestId, cc);
    const window = this.options.idempotencyWindowMs;
    return this.idempotency.once(
      session.id,
      req.requestId,
      req.toolId,
      cancelled,
      shared ? () => shared.once(session.id, req.requestId, req.toolId, window, cancelled, run) : run,
    );
  }

  private async run(session: SessionState, req: CallRequest, requestId: string, cc: CallContext) {
    this.checkAccepting();
    const executor =
      this.options.registry.resolve(session.id, req.toolId) ?? (await this.remoteTool(session.id, req.toolId, cc));
    if (!executor) return failedResponse(toolNotFound(req.toolId, session.id, requestId), requestId, 0, 0);
    const name = executor.spec.name;
    const runtime = this.runtimeOf(session);
    const tool = this.toolRuntimeOf(executor);
    const rated = this.checkRate(runtime, tool, session.id, name, requestId, cc);
    if (rated) await rated;
    const scope = this.open(runtime, cc, this.timeoutOf(req, runtime, executor), name, requestId, false);
    let errorType = "";
    let start = 0;
    try {
      if (tool.semaphore || runtime.semaphore) await acquire(scope, tool, runtime);
      this.options.metrics.callStarted();
      start = performance.now();
      const ctx = this.contextOf(scope, session.id, requestId, name, req.context);
      const value = await scope.guard(executor.execute(toolCall(req), ctx));
      const durationMs = performance.now() - start;
      const size = value.value.byteLength + value.typeUrl.length;
      if (size + ENVELOPE_BYTES > this.options.maxMessageBytes) {
        errorType = "MessageTooLarge";
        throw this.tooLarge(`result of ${name}`, size, session.id, requestId);
      }
      return successResponse(value, requestId, durationMs, scope.queuedMs, size, 1);
    } catch (error) {
      if (errorType === "MessageTooLarge") throw error;
      const durationMs = start === 0 ? 0 : performance.now() - start;
      if (scope.reason !== undefined && scope.reason !== "timeout") {
        errorType = scope.stopCode;
        throw scope.stopError();
      }
      if (start === 0 && scope.reason === undefined) {
        // Refused while queueing (queue full): a limit failure, reported as a status.
        errorType = errorCodeOf(error);
        throw error;
      }
      const info = this.failureInfo(scope, error, session.id, requestId, name);
      errorType = info.type;
      return failedResponse(info, requestId, durationMs, scope.queuedMs);
    } finally {
      this.close(scope, runtime, tool);
      if (start !== 0) this.finished(name, errorType, performance.now() - start, session.id, requestId);
    }
  }

  /** Runs a streaming call as a sequence of chunks ending with `complete` or `error`. */
  async *stream(session: SessionState, req: StreamToolRequest, cc: CallContext): AsyncGenerator<StreamToolResponse> {
    this.checkAccepting();
    const requestId = req.requestId || randomUUID();
    const streamId = req.streamId || randomUUID();
    const executor =
      this.options.registry.resolve(session.id, req.toolId) ?? (await this.remoteTool(session.id, req.toolId, cc));
    if (!executor) {
      yield errorChunk(streamId, 0n, toolNotFound(req.toolId, session.id, requestId));
      return;
    }
    const name = executor.spec.name;
    const runtime = this.runtimeOf(session);
    const tool = this.toolRuntimeOf(executor);
    await this.checkRate(runtime, tool, session.id, name, requestId, cc);
    const scope = this.open(runtime, cc, this.timeoutOf(req, runtime, executor), name, requestId, true);
    let start = 0;
    let errorType = "";
    let iterator: AsyncIterator<Any> | undefined;
    let finished = false;
    let sequence = 0n;
    try {
      if (tool.semaphore || runtime.semaphore) await acquire(scope, tool, runtime);
      this.options.metrics.callStarted();
      start = performance.now();
      const ctx = this.contextOf(scope, session.id, requestId, name, req.context);
      iterator = executor.stream(toolCall(req), ctx)[Symbol.asyncIterator]();
      let totalBytes = 0;
      for (;;) {
        const next = await scope.guard(iterator.next());
        if (next.done) break;
        const size = next.value.value.byteLength + next.value.typeUrl.length;
        if (size + ENVELOPE_BYTES > this.options.maxMessageBytes) {
          errorType = "MessageTooLarge";
          throw this.tooLarge(`chunk ${sequence} of ${name}`, size, session.id, requestId);
        }
        totalBytes += size;
        this.options.metrics.streamSent(size);
        // A message literal: create() would walk the schema once per 64 KB chunk.
        yield {
          $typeName: "toolbridge.v1.StreamToolResponse",
          streamId,
          sequence: sequence++,
          content: { case: "data", value: next.value },
        };
      }
      finished = true;
      yield create(StreamToolResponseSchema, {
        streamId,
        sequence,
        content: {
          case: "complete",
          value: {
            totalChunks: sequence,
            totalBytes: BigInt(totalBytes),
            requestId,
            metrics: create(ExecutionMetricsSchema, {
              durationMs: performance.now() - start,
              queuedMs: scope.queuedMs,
              attempts: 1,
            }),
          },
        },
      });
    } catch (error) {
      if (errorType === "MessageTooLarge") throw error;
      // Nobody is listening after a cancel or an expired client deadline: end with the status.
      if (scope.reason === "cancelled" || scope.reason === "deadline") {
        errorType = scope.stopCode;
        throw scope.stopError();
      }
      if (start === 0 && scope.reason === undefined) {
        errorType = errorCodeOf(error);
        throw error;
      }
      const info = this.failureInfo(scope, error, session.id, requestId, name);
      errorType = info.type;
      yield errorChunk(streamId, sequence, info);
    } finally {
      // Returning the tool's iterator runs its generator's `finally` (cancel, timeout, error).
      if (iterator && !finished) iterator.return?.().catch(() => {});
      this.close(scope, runtime, tool);
      if (start !== 0) this.finished(name, errorType, performance.now() - start, session.id, requestId);
    }
  }

  /** Runs a batch; every item gets a result (value or error), in request order. */
  async batch(
    session: SessionState,
    req: BatchExecuteToolsRequest,
    cc: CallContext,
  ): Promise<BatchExecuteToolsResponse> {
    this.checkAccepting();
    const items = req.items;
    if (items.length > this.options.maxBatchItems) {
      throw hostError(
        "InvalidArgument",
        `batch of ${items.length} items exceeds the limit of ${this.options.maxBatchItems}`,
        {
          session_id: session.id,
          max_batch_items: String(this.options.maxBatchItems),
        },
      );
    }
    const started = performance.now();
    const config = req.config;
    // The batch's timeout_ms bounds every item; an item that runs into it is a TimeoutError in its result.
    const batchDeadline = req.timeoutMs > 0 ? Date.now() + req.timeoutMs : Number.POSITIVE_INFINITY;
    const results = new Array<ExecuteToolResponse>(items.length);
    let stopped = false;
    const runItem = async (index: number) => {
      const item = items[index] as (typeof items)[number];
      if (stopped) {
        results[index] = notRun(item, "Cancelled", "not run: an earlier item failed and stop_on_error is set");
        return;
      }
      let result: ExecuteToolResponse;
      try {
        const timeoutMs = Math.ceil(batchDeadline - Date.now());
        if (timeoutMs <= 0) {
          results[index] = notRun(item, "TimeoutError", "not run: the batch's timeout_ms had passed");
          return;
        }
        result = await this.execute(session, Number.isFinite(batchDeadline) ? { ...item, timeoutMs } : item, cc);
      } catch (error) {
        result = failedResponse(statusErrorInfo(error, item.toolId, item.requestId), item.requestId, 0, 0);
      }
      results[index] = result;
      if (!result.success && config?.stopOnError) stopped = true;
    };
    if (config?.parallel) {
      const parallelism = Math.min(items.length, config.maxParallel || this.options.defaultBatchParallelism);
      let next = 0;
      const lanes = Array.from({ length: parallelism }, async () => {
        while (next < items.length) await runItem(next++);
      });
      await Promise.all(lanes);
    } else {
      for (let i = 0; i < items.length; i++) await runItem(i);
    }
    let succeeded = 0;
    let cancelled = 0;
    for (const r of results) {
      if (r.success) succeeded++;
      else if (r.error?.type === "Cancelled") cancelled++;
    }
    return create(BatchExecuteToolsResponseSchema, {
      results,
      metrics: create(BatchMetricsSchema, {
        totalDurationMs: performance.now() - started,
        succeeded,
        failed: results.length - succeeded - cancelled,
        cancelled,
      }),
    });
  }

  /** Calls running in one session. */
  inFlight(sessionId: string): number {
    return this.sessions.get(sessionId)?.calls.size ?? 0;
  }

  /** A session ended: stop its calls, forget its state. */
  sessionEnded(sessionId: string): number {
    const runtime = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    this.idempotency.dropSession(sessionId);
    if (!runtime) return 0;
    const calls = [...runtime.calls];
    for (const scope of calls) scope.stop("session");
    return calls.length;
  }

  /** Refuse new calls; open streams end now with an Unavailable error chunk. */
  stopAccepting(): void {
    this.accepting = false;
    for (const scope of [...this.streams]) scope.stop("shutdown");
  }

  /** Waits for running calls to finish, at most graceMs; then stops the rest. */
  async drain(graceMs: number): Promise<void> {
    if (this.active.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    for (const scope of [...this.active]) scope.stop("shutdown");
  }

  get activeCalls(): number {
    return this.active.size;
  }

  /**
   * Limits are charged where a call arrives: a forwarded call was charged on the host that forwarded it.
   * Local buckets answer at once (undefined, or a throw); only a store's shared buckets return a promise,
   * so the common call does not pay for an await.
   */
  private checkRate(
    runtime: SessionRuntime,
    tool: ToolRuntime,
    sessionId: string,
    name: string,
    requestId: string,
    cc: CallContext,
  ): Promise<void> | undefined {
    if (this.forwarded(cc)) return undefined;
    const ceilingWait = runtime.ceiling?.take() ?? 0;
    if (ceilingWait > 0)
      throw rateLimited(`session ${sessionId} on this host`, ceilingWait, sessionId, name, requestId);
    const shared = this.options.store.rateLimits;
    if (!shared) {
      checkRate(runtime, tool, sessionId, name, requestId);
      return undefined;
    }
    return checkSharedRate(shared, runtime, tool, sessionId, name, requestId);
  }

  /**
   * A call another host of the cluster forwarded here. Transports set forwardedBy only
   * from a mark the cluster verified (the gRPC adapter; the gateway never sets it).
   */
  private forwarded(cc: CallContext): boolean {
    return cc.forwardedBy !== undefined;
  }

  /** A tool another host serves, unless this call was itself forwarded (no second hop). */
  private remoteTool(
    sessionId: string,
    toolId: string,
    cc: CallContext,
  ): Promise<ToolExecutor | undefined> | undefined {
    if (this.forwarded(cc) || !this.options.resolveRemote) return undefined;
    return this.options.resolveRemote(sessionId, toolId, cc.principal);
  }

  private checkAccepting(): void {
    if (!this.accepting) throw hostError("Unavailable", "host shutting down");
  }

  private open(
    runtime: SessionRuntime,
    cc: CallContext,
    timeoutMs: number,
    name: string,
    requestId: string,
    streaming: boolean,
  ): CallScope {
    const scope = new CallScope(cc, timeoutMs, name, requestId);
    runtime.calls.add(scope);
    this.active.add(scope);
    if (streaming) this.streams.add(scope);
    return scope;
  }

  private close(scope: CallScope, runtime: SessionRuntime, tool: ToolRuntime): void {
    scope.dispose();
    if (scope.held & 1) tool.semaphore?.release();
    if (scope.held & 2) runtime.semaphore?.release();
    runtime.calls.delete(scope);
    this.streams.delete(scope);
    this.active.delete(scope);
    if (this.active.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private timeoutOf(req: { timeoutMs?: number }, runtime: SessionRuntime, executor: ToolExecutor): number {
    const toolTimeout = executor.spec.limits?.timeoutMs || runtime.defaultTimeoutMs;
    const requested = req.timeoutMs ?? 0;
    return requested > 0 && requested < toolTimeout ? requested : toolTimeout;
  }

  private runtimeOf(session: SessionState): SessionRuntime {
    let runtime = this.sessions.get(session.id);
    if (!runtime) {
      const config = session.config;
      const limit = config?.maxConcurrentTools || this.options.sessionMaxConcurrentCalls;
      runtime = {
        calls: new Set(),
        semaphore: limit > 0 ? new Semaphore(limit, this.options.maxQueuedCalls, `session ${session.id}`) : undefined,
        bucket: rateBucket(this.options.sessionRateLimit),
        ceiling: rateBucket(this.options.sessionRateCeiling),
        defaultTimeoutMs: config?.defaultTimeoutMs || DEFAULT_LIMITS.unaryTimeoutMs,
      };
      this.sessions.set(session.id, runtime);
    }
    return runtime;
  }

  private toolRuntimeOf(executor: ToolExecutor): ToolRuntime {
    let runtime = this.toolRuntimes.get(executor);
    if (!runtime) {
      const limits = executor.spec.limits;
      const max = limits?.maxConcurrentCalls ?? 0;
      const perMinute = limits?.rateLimitPerMinute ?? 0;
      runtime = {
        semaphore:
          max > 0
            ? new Semaphore(max, limits?.maxQueuedCalls || this.options.maxQueuedCalls, `tool ${executor.spec.name}`)
            : undefined,
        bucket: perMinute > 0 ? new TokenBucket(perMinute) : undefined,
      };
      this.toolRuntimes.set(executor, runtime);
    }
    return runtime;
  }

  private contextOf(
    scope: CallScope,
    sessionId: string,
    requestId: string,
    name: string,
    context: { [key: string]: string } | undefined,
  ): CallToolContext {
    return new CallToolContext(
      scope,
      sessionId,
      requestId,
      name,
      context ?? NO_CONTEXT,
      this.options.store,
      this.options.logger,
    );
  }

  private tooLarge(what: string, size: number, sessionId: string, requestId: string): ToolBridgeError {
    return hostError(
      "MessageTooLarge",
      `message too large: ${what} is ${size} bytes, over the ${this.options.maxMessageBytes}-byte limit`,
      { session_id: sessionId, request_id: requestId, size: String(size), limit: String(this.options.maxMessageBytes) },
    );
  }

  private finished(tool: string, errorType: string, durationMs: number, sessionId: string, requestId: string): void {
    this.options.metrics.callFinished(tool, errorType, durationMs);
    if (this.logCalls) {
      this.options.logger.debug(
        {
          request_id: requestId,
          session_id: sessionId,
          tool,
          duration_ms: durationMs,
          error_type: errorType || undefined,
        },
        "tool call finished",
      );
    }
  }

  /**
   * The ErrorInfo of a call that failed as a tool outcome: the stop error when the
   * call was stopped (the callers rethrow the stops that end as a status), else
   * what the tool threw. Logged, except for the caller's own mistakes.
   */
  private failureInfo(scope: CallScope, error: unknown, sessionId: string, requestId: string, tool: string): ErrorInfo {
    const thrown = scope.reason !== undefined ? scope.stopError() : error;
    const info = errorInfoFromThrown(thrown, tool, requestId, this.options.debug);
    if (info.type !== "ValidationError" && info.type !== "ToolNotFound") {
      this.options.logger.warn(
        { request_id: requestId, session_id: sessionId, tool, error_type: info.type },
        `tool call failed: ${info.message}`,
      );
    }
    return info;
  }
}

function toolCall(req: CallRequest | StreamToolRequest): ToolCall {
  return { args: req.args, kwargs: req.kwargs, context: req.context ?? NO_CONTEXT };
}

/**
 * Takes the tool's and the session's slots, recording on the scope what it holds
 * and how long it queued. On failure it holds nothing: a slot already taken is
 * given back at once (not when the scope closes, which for a stream may be later).
 */
async function acquire(scope: CallScope, tool: ToolRuntime, runtime: SessionRuntime): Promise<void> {
  const queuedAt = performance.now();
  try {
    if (tool.semaphore) {
      await tool.semaphore.acquire(scope.signal);
      scope.held |= 1;
    }
    if (runtime.semaphore) {
      await runtime.semaphore.acquire(scope.signal);
      scope.held |= 2;
    }
  } catch (error) {
    if (scope.held & 1) tool.semaphore?.release();
    scope.held = 0;
    throw error;
  }
  scope.queuedMs = performance.now() - queuedAt;
}

/** Buckets shared by every host using the store: the local ones only say which limits apply. */
async function checkSharedRate(
  shared: NonNullable<SessionStore["rateLimits"]>,
  runtime: SessionRuntime,
  tool: ToolRuntime,
  sessionId: string,
  name: string,
  requestId: string,
): Promise<void> {
  const session = runtime.bucket;
  const wait = session ? await shared.take(`s:${sessionId}`, session.perMinute, session.capacity) : 0;
  if (wait > 0) throw rateLimited(`session ${sessionId}`, wait, sessionId, name, requestId);
  const own = tool.bucket;
  const toolWait = own ? await shared.take(`t:${name}`, own.perMinute, own.capacity) : 0;
  if (toolWait > 0) throw rateLimited(`tool ${name}`, toolWait, sessionId, name, requestId);
}

function checkRate(runtime: SessionRuntime, tool: ToolRuntime, sessionId: string, name: string, requestId: string) {
  const sessionWait = runtime.bucket?.take() ?? 0;
  if (sessionWait > 0) throw rateLimited(`session ${sessionId}`, sessionWait, sessionId, name, requestId);
  const toolWait = tool.bucket?.take() ?? 0;
  if (toolWait > 0) throw rateLimited(`tool ${name}`, toolWait, sessionId, name, requestId);
}

function rateLimited(what: string, waitMs: number, sessionId: string, tool: string, requestId: string) {
  return hostError("RateLimitExceeded", `rate limit of ${what} exceeded; retry in ${waitMs} ms`, {
    retry_after_ms: String(waitMs),
    session_id: sessionId,
    tool_name: tool,
    request_id: requestId,
  });
}

function toolNotFound(toolId: string, sessionId: string, requestId: string): ErrorInfo {
  return create(ErrorInfoSchema, {
    type: "ToolNotFound",
    message: `tool ${toolId} not found in session ${sessionId}`,
    details: { tool_name: toolId, session_id: sessionId },
    toolName: toolId,
    requestId,
    sessionId,
    timestamp: timestampNow(),
  });
}

/** The error type of a ToolBridgeError ("ToolError" when it is a tool's own); anything else thrown is an InternalError. */
function errorCodeOf(error: unknown): ErrorType {
  if (!(error instanceof ToolBridgeError)) return "InternalError";
  return isErrorType(error.errorType) ? error.errorType : "ToolError";
}

function failedResponse(info: ErrorInfo, requestId: string, durationMs: number, queuedMs: number): ExecuteToolResponse {
  return create(ExecuteToolResponseSchema, {
    success: false,
    error: info,
    requestId,
    metrics: create(ExecutionMetricsSchema, { durationMs, queuedMs, attempts: durationMs > 0 ? 1 : 0 }),
  });
}

/** Result of a batch item that was never started. */
function notRun(item: CallRequest, type: string, message: string): ExecuteToolResponse {
  const info = create(ErrorInfoSchema, { type, message, toolName: item.toolId, requestId: item.requestId });
  return failedResponse(info, item.requestId, 0, 0);
}

function errorChunk(streamId: string, sequence: bigint, info: ErrorInfo): StreamToolResponse {
  return create(StreamToolResponseSchema, { streamId, sequence, content: { case: "error", value: info } });
}

/** A status failure of one batch item, carried in that item's result instead. */
function statusErrorInfo(error: unknown, toolName: string, requestId: string): ErrorInfo {
  const details = error instanceof ToolBridgeError ? { ...error.details } : {};
  return create(ErrorInfoSchema, {
    type: errorCodeOf(error),
    message: error instanceof Error ? error.message : String(error),
    details,
    toolName,
    requestId,
    retryAfterMs: BigInt(details.retry_after_ms ?? 0),
    timestamp: timestampNow(),
  });
}
