import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import {
  type ConnectWorkerRequest,
  type ConnectWorkerResponse,
  ConnectWorkerResponseSchema,
  type ErrorInfo,
  ErrorInfoSchema,
  ToolBridgeError,
  type WorkerCallChunk,
  type WorkerCallResult,
  type WorkerHello,
} from "@toolbridge/protocol";
import { ToolFailure } from "../errors.js";
import type { ToolCall, ToolContext } from "../registry/types.js";
import { AsyncQueue } from "../util/async-queue.js";

export type WorkerStream = ServerDuplexStream<ConnectWorkerRequest, ConnectWorkerResponse>;

/** A worker went away (died, missed heartbeats, drained) while a call was on it. */
export class WorkerUnavailable extends ToolBridgeError {
  constructor(
    readonly workerId: string,
    message: string,
    details: Record<string, string>,
  ) {
    super("Unavailable", message, { details: { ...details, worker_id: workerId } });
  }
}

/** Chunks of one streaming call buffered before the worker's stream is paused. */
const CHUNK_HIGH_WATER = 64;
/** A stream that piles up this many chunks has a consumer that stopped reading. */
const CHUNK_LIMIT = 4096;

type Pending =
  | { readonly kind: "unary"; readonly tool: string; resolve(value: Any): void; reject(error: unknown): void }
  | { readonly kind: "stream"; readonly tool: string; readonly queue: AsyncQueue<Any>; expected: bigint };

/**
 * One connected worker: its ConnectWorker stream and the calls running on it.
 * Calls are correlated by call_id; a cancelled or timed-out call is cancelled on
 * the worker too; a worker that goes away fails every call still on it with
 * WorkerUnavailable naming it. Streaming calls get backpressure: while any of
 * them has CHUNK_HIGH_WATER chunks unread, reading the worker's stream pauses,
 * so HTTP/2 flow control holds the worker's writes.
 */
export class WorkerConnection {
  readonly startedAt = Date.now();
  lastHeardAt = Date.now();
  /** Calls routed here so far (recycling by request count). */
  requests = 0;
  /** Resident set size the worker last reported. */
  rssBytes = 0;
  /** No new calls are routed here (recycling, shutdown). */
  draining = false;
  /** WorkerDrain was sent. */
  drainRequested = false;
  closed = false;
  /** Set by a supervisor for the processes it started. */
  maxRequests = 0;
  private readonly pending = new Map<string, Pending>();
  private nextCallId = 0;
  private readonly backlogged = new Set<string>();
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    readonly id: string,
    readonly hello: WorkerHello,
    private readonly stream: WorkerStream,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /** The host stopped reading this worker (a stream consumer is behind): its silence is ours. */
  get paused(): boolean {
    return this.backlogged.size > 0;
  }

  get maxConcurrency(): number {
    return this.hello.maxConcurrency;
  }

  /** True when the host may route a new call here. */
  get available(): boolean {
    return !this.closed && !this.draining;
  }

  send(message: MessageInitShape<typeof ConnectWorkerResponseSchema>["message"]): void {
    if (this.closed) return;
    this.stream.write(create(ConnectWorkerResponseSchema, { message }));
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Runs a unary call on the worker; rejects with ToolFailure for a tool failure. */
  invoke(tool: string, call: ToolCall, ctx: ToolContext): Promise<Any> {
    const callId = this.open(tool, call, ctx, false);
    return new Promise<Any>((resolve, reject) => {
      const onAbort = () => this.cancel(callId, ctx.signal.reason);
      this.pending.set(callId, {
        kind: "unary",
        tool,
        resolve: (value) => {
          ctx.signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          ctx.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Runs a streaming call; the iterator yields the worker's chunks as they come. */
  invokeStream(tool: string, call: ToolCall, ctx: ToolContext): AsyncIterableIterator<Any> {
    const callId = this.open(tool, call, ctx, true);
    const onAbort = () => this.cancel(callId, ctx.signal.reason);
    // Leaving the loop early (consumer gone) cancels the call on the worker.
    const queue = new AsyncQueue<Any>(CHUNK_LIMIT, () => {
      ctx.signal.removeEventListener("abort", onAbort);
      if (this.pending.has(callId)) this.cancel(callId, "stream closed by the host");
      this.unblock(callId);
    });
    this.pending.set(callId, { kind: "stream", tool, queue, expected: 0n });
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
    return {
      next: async () => {
        const result = await queue.next();
        if (queue.size < CHUNK_HIGH_WATER / 2) this.unblock(callId);
        return result;
      },
      return: () => queue.return(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** A message from the worker other than hello/registration. */
  handleResult(result: WorkerCallResult): void {
    const pending = this.pending.get(result.callId);
    if (!pending) return; // cancelled meanwhile: the late result has nobody to go to
    this.pending.delete(result.callId);
    if (pending.kind === "stream") {
      // A unary outcome for a streaming call: one chunk (a unary tool streamed), or its error.
      if (result.success && result.result) pending.queue.push(result.result);
      if (result.success) pending.queue.end();
      else pending.queue.fail(new ToolFailure(this.tagged(result.error, pending.tool)));
      return;
    }
    if (result.success) {
      if (result.result) pending.resolve(result.result);
      else pending.reject(this.protocolError(`result of ${pending.tool} has no value`, pending.tool));
    } else {
      pending.reject(new ToolFailure(this.tagged(result.error, pending.tool)));
    }
  }

  handleChunk(chunk: WorkerCallChunk): void {
    const pending = this.pending.get(chunk.callId);
    if (!pending) return;
    if (pending.kind !== "stream") {
      this.pending.delete(chunk.callId);
      pending.reject(this.protocolError(`worker sent a chunk for unary call of ${pending.tool}`, pending.tool));
      return;
    }
    if (chunk.sequence !== pending.expected) {
      this.pending.delete(chunk.callId);
      pending.queue.fail(
        this.protocolError(
          `chunk ${chunk.sequence} of ${pending.tool} arrived where ${pending.expected} was due`,
          pending.tool,
        ),
      );
      return;
    }
    pending.expected++;
    const content = chunk.content;
    switch (content.case) {
      case "data":
        pending.queue.push(content.value);
        if (pending.queue.size >= CHUNK_HIGH_WATER) this.block(chunk.callId);
        return;
      case "complete":
        this.pending.delete(chunk.callId);
        pending.queue.end();
        return;
      case "error":
        this.pending.delete(chunk.callId);
        pending.queue.fail(new ToolFailure(this.tagged(content.value, pending.tool)));
        return;
      default:
        this.pending.delete(chunk.callId);
        pending.queue.fail(this.protocolError(`empty chunk from ${pending.tool}`, pending.tool));
    }
  }

  /**
   * The worker is gone (or must go): fail every call on it with WorkerUnavailable,
   * end the stream. Idempotent.
   */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, pending] of this.pending) {
      const error = new WorkerUnavailable(
        this.id,
        `worker ${this.id} (pid ${this.hello.pid}) became unavailable during a call to ${pending.tool}: ${reason}`,
        { tool_name: pending.tool, reason },
      );
      if (pending.kind === "unary") pending.reject(error);
      else pending.queue.fail(error);
    }
    this.pending.clear();
    this.backlogged.clear();
    try {
      this.stream.end();
    } catch {
      // the transport is already gone
    }
    for (const listener of this.closeListeners) listener(reason);
  }

  private open(tool: string, call: ToolCall, ctx: ToolContext, streaming: boolean): string {
    if (this.closed) {
      throw new WorkerUnavailable(this.id, `worker ${this.id} is not connected`, { tool_name: tool });
    }
    const callId = (this.nextCallId++).toString(36);
    this.send({
      case: "invocation",
      value: {
        callId,
        sessionId: ctx.sessionId,
        toolName: tool,
        args: call.args as Any[],
        kwargs: call.kwargs as { [key: string]: Any },
        requestId: ctx.requestId,
        // The budget the caller has left, never more: nested calls the tool makes inherit it.
        timeoutMs: Math.max(1, Math.min(0xffffffff, Math.floor(ctx.deadline - Date.now()))),
        streaming,
        context: call.context as { [key: string]: string },
      },
    });
    return callId;
  }

  private cancel(callId: string, reason: unknown): void {
    const pending = this.pending.get(callId);
    this.pending.delete(callId);
    this.unblock(callId);
    const text = reason instanceof Error ? reason.message : String(reason ?? "cancelled");
    this.send({ case: "cancel", value: { callId, reason: text } });
    if (!pending) return;
    const error = reason instanceof Error ? reason : new ToolBridgeError("Cancelled", text);
    if (pending.kind === "unary") pending.reject(error);
    else pending.queue.fail(error);
  }

  private block(callId: string): void {
    if (this.backlogged.size === 0) this.stream.pause();
    this.backlogged.add(callId);
  }

  private unblock(callId: string): void {
    if (!this.backlogged.delete(callId)) return;
    if (this.backlogged.size === 0 && !this.closed) {
      // Heartbeats queued behind the pause count from now on.
      this.lastHeardAt = Date.now();
      this.stream.resume();
    }
  }

  private tagged(info: ErrorInfo | undefined, tool: string): ErrorInfo {
    if (!info) {
      return create(ErrorInfoSchema, {
        type: "InternalError",
        message: `worker ${this.id} reported a failure of ${tool} without an ErrorInfo`,
        details: { worker_id: this.id },
        toolName: tool,
      });
    }
    info.details.worker_id = this.id;
    if (info.toolName === "") info.toolName = tool;
    return info;
  }

  private protocolError(message: string, tool: string): ToolBridgeError {
    return new ToolBridgeError("InternalError", `worker ${this.id}: ${message}`, {
      details: { worker_id: this.id, tool_name: tool },
    });
  }
}
