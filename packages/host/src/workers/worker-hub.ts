import { clone, create, equals } from "@bufbuild/protobuf";
import { type handleBidiStreamingCall, status } from "@grpc/grpc-js";
import {
  type ConnectWorkerRequest,
  ErrorInfoSchema,
  type RegisterWorkerTools,
  ToolLocation,
  type ToolSpec,
  ToolSpecSchema,
  type WorkerHello,
} from "@toolbridge/protocol";
import type { Logger } from "pino";
import type { BridgeCore } from "../core/bridge-core.js";
import { errorInfoFromThrown, hostError } from "../errors.js";
import { OversizedRequest } from "../grpc/message-limit.js";
import type { HostMetrics } from "../observability/metrics.js";
import type { ToolRegistry } from "../registry/registry.js";
import type { SessionStore } from "../store/types.js";
import { type ResolvedHubOptions, resolveHubOptions, type WorkerHubOptions } from "./config.js";
import { WorkerConnection, type WorkerStream } from "./worker-connection.js";
import { WorkerToolExecutor } from "./worker-tool.js";

export interface WorkerHubDeps {
  core: BridgeCore;
  registry: ToolRegistry;
  store: SessionStore;
  logger: Logger;
  /** The host's metrics, where the hub's Prometheus metrics are registered. */
  metrics: HostMetrics;
  /**
   * Refuses (PermissionDenied) a worker registering tools into a session its
   * caller may not reach; `stream` is its ConnectWorker call. Absent: no check (auth off).
   */
  authorizeSession?: (stream: object, sessionId: string) => Promise<void>;
}

/** What a supervisor hears about the connection of a process it started. */
export interface SupervisedHooks {
  /** The id the connection gets (instead of the token it says hello with). */
  readonly id: string;
  readonly maxRequests: number;
  onReady(connection: WorkerConnection): void;
  onClosed(connection: WorkerConnection, reason: string): void;
  /** The connection was given its last allowed call. */
  onExhausted(connection: WorkerConnection): void;
}

const HELLO_TIMEOUT_MS = 10_000;

/**
 * Every connected worker and the tools they offer. Accepts ConnectWorker
 * streams (hello → welcome → registrations), turns each registered tool into a
 * WorkerToolExecutor in the host's registry (global or per session; a second
 * worker offering the same tool becomes another replica), exchanges heartbeats
 * and declares a worker that misses too many dead, failing its calls.
 */
export class WorkerHub {
  readonly options: ResolvedHubOptions;
  hostAddress = "";
  private readonly connections = new Map<string, WorkerConnection>();
  private readonly globalTools = new Map<string, WorkerToolExecutor>();
  private readonly sessionTools = new Map<string, Map<string, WorkerToolExecutor>>();
  private readonly served = new Map<WorkerConnection, Set<WorkerToolExecutor>>();
  private readonly supervised = new Map<string, SupervisedHooks>();
  private readonly hooksOf = new Map<WorkerConnection, SupervisedHooks>();
  private readonly heartbeatTimer: NodeJS.Timeout;
  /** Calls routed to workers, by worker, tool and outcome: copied into Prometheus when scraped. */
  private readonly calls = new Map<string, { worker_id: string; tool: string; status: string; count: number }>();
  private nextAnonymous = 0;
  private closing = false;

  constructor(
    private readonly deps: WorkerHubDeps,
    options: WorkerHubOptions = {},
  ) {
    this.options = resolveHubOptions(options);
    const { calls, connections } = this;
    // Registered when the registry is first built (a scrape): prom-client is not loaded at startup.
    deps.metrics.onPrometheus((prom, registry) => {
      new prom.Counter({
        name: "toolbridge_worker_calls_total",
        help: "Tool calls routed to workers, by worker, tool and outcome (ok or the error type)",
        labelNames: ["worker_id", "tool", "status"] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const { count, ...labels } of calls.values()) this.inc(labels, count);
        },
      });
      new prom.Gauge({
        name: "toolbridge_workers",
        help: "Connected worker processes",
        registers: [registry],
        collect() {
          this.set(connections.size);
        },
      });
    });
    this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    deps.store.onSessionEnded((sessionId) => this.sessionEnded(sessionId));
  }

  /** ConnectWorker, for the gRPC adapter. */
  readonly handler: handleBidiStreamingCall<unknown, unknown> = (call) => this.accept(call as unknown as WorkerStream);

  get workerCount(): number {
    return this.connections.size;
  }

  workers(): WorkerConnection[] {
    return [...this.connections.values()];
  }

  worker(id: string): WorkerConnection | undefined {
    return this.connections.get(id);
  }

  /** A supervised process will say hello with `token`. */
  expect(token: string, hooks: SupervisedHooks): void {
    this.supervised.set(token, hooks);
  }

  unexpect(token: string): void {
    this.supervised.delete(token);
  }

  /** A supervised process that has not said hello yet will present this token. */
  expects(token: string): boolean {
    return this.supervised.has(token);
  }

  /**
   * Recycling and shutdown: route nothing new to the worker, ask it to finish and
   * exit, and wait (at most graceMs) until its calls are done. Resolves true
   * when it finished in time.
   */
  async drain(connection: WorkerConnection, reason: string, graceMs = this.options.drainGraceMs): Promise<boolean> {
    connection.draining = true;
    if (!connection.drainRequested) {
      connection.drainRequested = true;
      connection.send({ case: "drain", value: { reason, graceMs } });
    }
    const deadline = Date.now() + graceMs;
    while (connection.inFlight > 0 && !connection.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return connection.inFlight === 0;
  }

  /** Host shutdown: drain every worker, then end their streams. */
  async close(graceMs = this.options.drainGraceMs): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    await Promise.all(this.workers().map((c) => this.drain(c, "host shutting down", graceMs)));
    for (const connection of this.workers()) connection.close("host shutting down");
  }

  private accept(stream: WorkerStream): void {
    if (this.closing) {
      stream.emit("error", { code: status.UNAVAILABLE, details: "host shutting down" });
      return;
    }
    let connection: WorkerConnection | undefined;
    let registrations = Promise.resolve();
    const helloTimer = setTimeout(() => {
      stream.emit("error", { code: status.DEADLINE_EXCEEDED, details: "no WorkerHello within 10 s" });
    }, HELLO_TIMEOUT_MS);
    const gone = (reason: string) => {
      clearTimeout(helloTimer);
      if (connection) connection.close(reason);
    };
    stream.on("data", (request: ConnectWorkerRequest | OversizedRequest) => {
      if (request instanceof OversizedRequest) {
        // Undecodable, so its call cannot be told apart: the connection cannot go on.
        const error = request.toError();
        if (connection) connection.close(error.message);
        stream.emit("error", { code: status.RESOURCE_EXHAUSTED, details: error.message });
        return;
      }
      const message = request.message;
      if (!connection) {
        if (message.case !== "hello") {
          clearTimeout(helloTimer);
          stream.emit("error", { code: status.INVALID_ARGUMENT, details: "the first message must be WorkerHello" });
          return;
        }
        clearTimeout(helloTimer);
        connection = this.welcome(stream, message.value);
        return;
      }
      const current = connection;
      current.lastHeardAt = Date.now();
      switch (message.case) {
        case "result":
          current.handleResult(message.value);
          return;
        case "chunk":
          current.handleChunk(message.value);
          return;
        case "heartbeat":
          current.rssBytes = Number(message.value.rssBytes);
          return;
        case "registerTools": {
          const registration = message.value;
          registrations = registrations.then(() => this.register(stream, current, registration));
          return;
        }
        default:
          return;
      }
    });
    stream.on("end", () => {
      gone("worker closed its stream");
      try {
        stream.end();
      } catch {
        // already ended
      }
    });
    stream.on("error", (error: Error) => gone(`stream failed: ${error.message}`));
    stream.on("cancelled", () => gone("worker connection lost"));
  }

  private welcome(stream: WorkerStream, hello: WorkerHello): WorkerConnection {
    const hooks = this.supervised.get(hello.workerId);
    const id = hooks ? hooks.id : this.uniqueId(hello.workerId || `${hello.language || "worker"}-${hello.pid}`);
    const connection = new WorkerConnection(id, hello, stream);
    this.connections.set(id, connection);
    this.served.set(connection, new Set());
    if (hooks) {
      this.supervised.delete(hello.workerId);
      this.hooksOf.set(connection, hooks);
      connection.maxRequests = hooks.maxRequests;
    }
    connection.onClose((reason) => this.disconnected(connection, reason));
    connection.send({
      case: "welcome",
      value: { workerId: id, heartbeatIntervalMs: this.options.heartbeatIntervalMs, hostAddress: this.hostAddress },
    });
    this.deps.logger.info(
      { worker_id: id, pid: hello.pid, language: hello.language, name: hello.name },
      "worker connected",
    );
    return connection;
  }

  private uniqueId(wanted: string): string {
    if (!this.connections.has(wanted)) return wanted;
    return `${wanted}.${++this.nextAnonymous}`;
  }

  private async register(
    stream: WorkerStream,
    connection: WorkerConnection,
    registration: RegisterWorkerTools,
  ): Promise<void> {
    const sessionId = registration.sessionId;
    const added: WorkerToolExecutor[] = [];
    try {
      if (sessionId !== "") {
        await this.deps.store.getSession(sessionId);
        await this.deps.authorizeSession?.(stream, sessionId);
      }
      this.checkToolBudget(sessionId, registration.tools);
      for (const offered of registration.tools) {
        const spec = this.normalized(offered);
        const executor = sessionId === "" ? this.globalExecutor(spec) : await this.sessionExecutor(sessionId, spec);
        if (!equals(ToolSpecSchema, stripped(executor.spec), stripped(spec))) {
          this.deps.logger.warn(
            { worker_id: connection.id, tool: spec.name },
            "worker offers a tool whose spec differs from its other replicas; the first spec stays",
          );
        }
        if (!executor.hasReplica(connection)) {
          executor.addReplica(connection);
          added.push(executor);
          this.served.get(connection)?.add(executor);
        }
      }
      if (connection.closed) return;
      connection.send({
        case: "registerResult",
        value: {
          registrationId: registration.registrationId,
          success: true,
          toolIds: registration.tools.map((t) => t.toolId || t.name),
        },
      });
      this.deps.logger.info(
        { worker_id: connection.id, session_id: sessionId || undefined, tools: registration.tools.map((t) => t.name) },
        "worker tools registered",
      );
      this.hooksOf.get(connection)?.onReady(connection);
    } catch (error) {
      for (const executor of added) this.release(connection, executor);
      const info = errorInfoFromThrown(error, "", "", false);
      connection.send({
        case: "registerResult",
        value: { registrationId: registration.registrationId, success: false, error: create(ErrorInfoSchema, info) },
      });
      this.deps.logger.warn({ worker_id: connection.id, error: info.message }, "worker tool registration refused");
    }
  }

  /** ResourceExhausted when the registration would take workers' tools past the session's or the global limit. */
  private checkToolBudget(sessionId: string, offered: readonly ToolSpec[]): void {
    const known = sessionId === "" ? this.globalTools : this.sessionTools.get(sessionId);
    const fresh = new Set(offered.map((t) => t.name || t.toolId).filter((name) => !known?.has(name)));
    const limit = sessionId === "" ? this.options.maxGlobalTools : this.options.maxToolsPerSession;
    const total = (known?.size ?? 0) + fresh.size;
    if (total <= limit) return;
    const where = sessionId === "" ? "global worker tools" : `worker tools in session ${sessionId}`;
    const details: Record<string, string> =
      sessionId === ""
        ? { max_global_worker_tools: String(limit) }
        : { session_id: sessionId, max_worker_tools_per_session: String(limit) };
    throw hostError("ResourceExhausted", `${total} ${where} would pass the limit of ${limit}`, details);
  }

  private normalized(offered: ToolSpec): ToolSpec {
    const spec = clone(ToolSpecSchema, offered);
    if (spec.name === "") spec.name = spec.toolId;
    if (spec.toolId === "") spec.toolId = spec.name;
    spec.location = ToolLocation.WORKER;
    spec.sessionId = "";
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(spec.name)) {
      throw hostError("InvalidArgument", `invalid tool name ${JSON.stringify(spec.name)}: use letters, digits, _ . -`, {
        tool_name: spec.name,
      });
    }
    return spec;
  }

  private globalExecutor(spec: ToolSpec): WorkerToolExecutor {
    const existing = this.globalTools.get(spec.name);
    if (existing) return existing;
    const executor = this.newExecutor(spec);
    this.deps.registry.registerGlobal(executor); // AlreadyExists when a host tool has the name
    this.globalTools.set(spec.name, executor);
    return executor;
  }

  private async sessionExecutor(sessionId: string, spec: ToolSpec): Promise<WorkerToolExecutor> {
    let tools = this.sessionTools.get(sessionId);
    const existing = tools?.get(spec.name);
    if (existing) return existing;
    const executor = this.newExecutor(spec);
    await this.deps.core.registerSessionTools(sessionId, [executor]);
    if (!tools) {
      tools = new Map();
      this.sessionTools.set(sessionId, tools);
    }
    tools.set(spec.name, executor);
    return executor;
  }

  private newExecutor(spec: ToolSpec): WorkerToolExecutor {
    return new WorkerToolExecutor(spec, {
      sessionAffinity: this.options.sessionAffinity,
      replicaWaitMs: this.options.replicaWaitMs,
      onRouted: (connection) => {
        connection.requests++;
        if (connection.maxRequests > 0 && connection.requests >= connection.maxRequests && !connection.draining) {
          connection.draining = true;
          this.hooksOf.get(connection)?.onExhausted(connection);
        }
      },
      onFinished: (connection, tool, errorType) => {
        const status = errorType === "" ? "ok" : errorType;
        const key = `${connection.id}\0${tool}\0${status}`;
        const entry = this.calls.get(key);
        if (entry) entry.count++;
        else this.calls.set(key, { worker_id: connection.id, tool, status, count: 1 });
      },
    });
  }

  /** Takes a connection out of an executor; a global tool left without replicas goes after a grace period. */
  private release(connection: WorkerConnection, executor: WorkerToolExecutor): void {
    executor.removeReplica(connection);
    const name = executor.spec.name;
    if (executor.replicaCount > 0 || this.globalTools.get(name) !== executor) return;
    setTimeout(() => {
      if (executor.replicaCount > 0 || this.globalTools.get(name) !== executor) return;
      this.globalTools.delete(name);
      this.deps.registry.unregisterGlobal(name);
      this.deps.logger.info({ tool: name }, "worker tool removed: no replica came back");
    }, this.options.toolGraceMs).unref();
  }

  private disconnected(connection: WorkerConnection, reason: string): void {
    if (this.connections.get(connection.id) === connection) this.connections.delete(connection.id);
    for (const executor of this.served.get(connection) ?? []) this.release(connection, executor);
    this.served.delete(connection);
    this.deps.logger.info({ worker_id: connection.id, reason }, "worker disconnected");
    const hooks = this.hooksOf.get(connection);
    this.hooksOf.delete(connection);
    hooks?.onClosed(connection, reason);
  }

  /** Heartbeats out; a worker silent for missedHeartbeats intervals is dead. */
  private beat(): void {
    const now = Date.now();
    const limit = this.options.heartbeatIntervalMs * this.options.missedHeartbeats;
    for (const connection of this.workers()) {
      if (now - connection.lastHeardAt > limit && !connection.paused) {
        this.deps.logger.warn(
          { worker_id: connection.id, silent_ms: now - connection.lastHeardAt },
          "worker missed heartbeats: declared dead",
        );
        connection.close(`missed ${this.options.missedHeartbeats} heartbeats`);
        continue;
      }
      connection.send({
        case: "heartbeat",
        value: { sentAtMs: BigInt(now), inFlight: connection.inFlight, rssBytes: 0n },
      });
    }
  }

  private sessionEnded(sessionId: string): void {
    const tools = this.sessionTools.get(sessionId);
    this.sessionTools.delete(sessionId);
    for (const executor of tools?.values() ?? []) {
      for (const set of this.served.values()) set.delete(executor);
    }
    if (this.options.sessionAffinity)
      for (const executor of this.globalTools.values()) executor.forgetSession(sessionId);
  }
}

/** Compared between replicas: what the worker said, without what the host fills in. */
function stripped(spec: ToolSpec): ToolSpec {
  const copy = clone(ToolSpecSchema, spec);
  copy.sessionId = "";
  return copy;
}
