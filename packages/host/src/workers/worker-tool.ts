import type { Any } from "@bufbuild/protobuf/wkt";
import { ToolBridgeError, type ToolSpec } from "@toolbridge/protocol";
import type { ToolCall, ToolContext, ToolExecutor } from "../registry/types.js";
import { type WorkerConnection, WorkerUnavailable } from "./worker-connection.js";

export interface WorkerToolOptions {
  sessionAffinity: boolean;
  replicaWaitMs: number;
  /** Called once per call routed to a replica: metrics and recycling by request count. */
  onRouted(connection: WorkerConnection, tool: string): void;
  /** Called when the call finishes (errorType "" on success). */
  onFinished(connection: WorkerConnection, tool: string, errorType: string): void;
}

/**
 * A tool offered by one or more workers (replicas), as a registry executor: the
 * runner calls it like any host tool, so limits, timeouts, idempotency, metrics
 * and errors are the same wherever the tool lives. Arguments and results pass
 * through as the encoded Any values they are; the host never decodes them.
 *
 * Each call goes to the available replica with the fewest calls in flight (or
 * the session's previous replica with affinity on). When a replica dies during
 * a call, the call is run again on another replica under the same request_id —
 * unless the tool's spec says `metadata.idempotent = "false"`, in which case the
 * caller gets UNAVAILABLE naming the worker. A stream is retried only before
 * its first chunk.
 */
export class WorkerToolExecutor implements ToolExecutor {
  private readonly replicas: WorkerConnection[] = [];
  private readonly affinity = new Map<string, WorkerConnection>();
  private waiters: Array<() => void> = [];
  private rotation = 0;
  readonly retriable: boolean;

  constructor(
    readonly spec: ToolSpec,
    private readonly options: WorkerToolOptions,
  ) {
    this.retriable = spec.metadata.idempotent !== "false";
  }

  get replicaCount(): number {
    return this.replicas.length;
  }

  hasReplica(connection: WorkerConnection): boolean {
    return this.replicas.includes(connection);
  }

  addReplica(connection: WorkerConnection): void {
    if (this.replicas.includes(connection)) return;
    this.replicas.push(connection);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  removeReplica(connection: WorkerConnection): void {
    const index = this.replicas.indexOf(connection);
    if (index >= 0) this.replicas.splice(index, 1);
    for (const [session, replica] of this.affinity) if (replica === connection) this.affinity.delete(session);
  }

  forgetSession(sessionId: string): void {
    this.affinity.delete(sessionId);
  }

  async execute(call: ToolCall, ctx: ToolContext): Promise<Any> {
    const tried = new Set<WorkerConnection>();
    let lost: unknown;
    for (;;) {
      const replica = await this.pick(ctx, tried, lost);
      const result = replica.invoke(this.spec.name, call, ctx);
      // After the invocation went out: a drain this may trigger must come after it.
      this.options.onRouted(replica, this.spec.name);
      try {
        const value = await result;
        this.options.onFinished(replica, this.spec.name, "");
        return value;
      } catch (error) {
        this.options.onFinished(replica, this.spec.name, errorType(error));
        if (!this.mayRetry(error, ctx)) throw error;
        tried.add(replica);
        lost = error;
      }
    }
  }

  async *stream(call: ToolCall, ctx: ToolContext): AsyncIterable<Any> {
    const tried = new Set<WorkerConnection>();
    let lost: unknown;
    for (;;) {
      const replica = await this.pick(ctx, tried, lost);
      const chunks = replica.invokeStream(this.spec.name, call, ctx);
      this.options.onRouted(replica, this.spec.name);
      let delivered = false;
      let outcome = "";
      try {
        for (;;) {
          const next = await chunks.next();
          if (next.done) break;
          delivered = true;
          yield next.value;
        }
        return;
      } catch (error) {
        outcome = errorType(error);
        if (delivered || !this.mayRetry(error, ctx)) throw error;
        tried.add(replica);
        lost = error;
      } finally {
        await chunks.return?.();
        this.options.onFinished(replica, this.spec.name, outcome);
      }
    }
  }

  private mayRetry(error: unknown, ctx: ToolContext): boolean {
    return error instanceof WorkerUnavailable && this.retriable && ctx.requestId !== "" && !ctx.signal.aborted;
  }

  /**
   * The replica for this call; waits a while for one when none is connected.
   * A retry that finds none fails with the error that lost the previous attempt.
   */
  private async pick(ctx: ToolContext, tried: ReadonlySet<WorkerConnection>, lost: unknown): Promise<WorkerConnection> {
    const waitUntil = Math.min(ctx.deadline, Date.now() + this.options.replicaWaitMs);
    for (;;) {
      const replica = this.choose(ctx.sessionId, tried);
      if (replica) return replica;
      const left = waitUntil - Date.now();
      if (left <= 0 || ctx.signal.aborted) throw lost ?? this.noReplica();
      await this.replicaAdded(left, ctx.signal);
    }
  }

  private choose(sessionId: string, tried: ReadonlySet<WorkerConnection>): WorkerConnection | undefined {
    if (this.options.sessionAffinity) {
      const previous = this.affinity.get(sessionId);
      if (previous?.available && !tried.has(previous)) return previous;
    }
    let best: WorkerConnection | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    const n = this.replicas.length;
    // Starting at a rotating index spreads ties instead of piling them on the first replica.
    const start = this.rotation++ % Math.max(1, n);
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(start + i) % n] as WorkerConnection;
      if (!replica.available || tried.has(replica)) continue;
      // A replica at its declared concurrency is a last resort.
      const load =
        replica.inFlight + (replica.maxConcurrency > 0 && replica.inFlight >= replica.maxConcurrency ? n * 1e6 : 0);
      if (load < bestLoad) {
        best = replica;
        bestLoad = load;
      }
    }
    if (best && this.options.sessionAffinity) this.affinity.set(sessionId, best);
    return best;
  }

  private replicaAdded(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.waiters.push(done);
    });
  }

  private noReplica(): ToolBridgeError {
    return new ToolBridgeError("Unavailable", `no worker connected for tool ${this.spec.name}`, {
      details: { tool_name: this.spec.name },
    });
  }
}

function errorType(error: unknown): string {
  if (error instanceof ToolBridgeError) return error.errorType;
  const info = (error as { info?: { type?: string } }).info;
  return info?.type || "ToolError";
}
