import { readFileSync } from "node:fs";
import { type ChannelOptions, type handleBidiStreamingCall, Server } from "@grpc/grpc-js";
import { DEFAULT_LIMITS } from "@toolbridge/protocol";
import type { Logger } from "pino";
import { AgentRuntime } from "./agents/agent-runtime.js";
import type { HostLlmOptions } from "./agents/llm-settings.js";
import type { Cluster, ClusterOptions } from "./cluster/cluster.js";
import { checkClusterSecurity } from "./cluster/cluster-security.js";
import { laterJoinedVerifier } from "./cluster/forwarded-call.js";
import { type AgentService, BridgeCore } from "./core/bridge-core.js";
import { DEFAULT_SESSION_RATE_CEILING, type RateLimitOptions } from "./core/session-runtime.js";
import { ToolRunner } from "./core/tool-runner.js";
import { GrpcAdapter, hostServiceDefinition } from "./grpc/adapter.js";
import { addHealth } from "./grpc/health.js";
import { withRequestLimit } from "./grpc/message-limit.js";
import { addReflection } from "./grpc/reflection.js";
import { createLogger, type LogLevel } from "./observability/logger.js";
import { HostMetrics } from "./observability/metrics.js";
import { ToolRegistry } from "./registry/registry.js";
import type { ToolExecutor } from "./registry/types.js";
import {
  ConnectionLimit,
  DEFAULT_MAX_CONNECTIONS,
  type ListenerTransport,
  registerConnectionMetrics,
} from "./security/connection-limit.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, listenGrpc } from "./security/grpc-listener.js";
import { createHostSecurity, type HostSecurityOptions } from "./security/host-security.js";
import { capWorkerStreams, DEFAULT_MAX_WORKER_STREAMS } from "./security/worker-stream-cap.js";
import { MemorySessionStore } from "./store/memory.js";
import type { RedisSessionStore } from "./store/redis/store.js";
import type { SessionStore } from "./store/types.js";
import type { WorkerConfig, WorkerHubOptions, WorkerTlsOptions } from "./workers/config.js";
import { HostWorkers } from "./workers/host-workers.js";

/** Security options (`tls`, `auth`, `audit`): docs/security.md. */
export interface HostOptions extends HostSecurityOptions {
  /** Global tools: defineTool results or any other ToolExecutor. */
  tools?: readonly ToolExecutor[];
  /** TCP port (default 50051; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Where sessions live (default: in memory, owned and closed by the host). A
   * "redis://host:port/db" URL shares sessions with every host using the same
   * Redis (docs/scale-out.md); createHost rejects with Unavailable when it cannot connect.
   */
  store?: SessionStore | string;
  /** With a Redis store: how this host joins the others to forward calls of tools it lacks (false: it does not). */
  cluster?: ClusterOptions | false;
  /** Idle TTL of sessions in the default store (1 h). */
  sessionIdleTtlMs?: number;
  /** Live sessions allowed by the default store (10,000). */
  maxSessions?: number;
  /** Variables one session may hold, in the default store (10,000). */
  maxVariablesPerSession?: number;
  /** Bytes of variables one session may hold, in the default store (64 MiB). */
  maxVariableBytesPerSession?: number;
  /** Concurrent HTTP/2 streams per client connection (1,000); a client queues the rest. */
  maxConcurrentStreams?: number;
  /**
   * Concurrent client connections per listener, the gRPC port and the gateway's each (10,000).
   * One more is closed as soon as it is accepted (gRPC clients see UNAVAILABLE), counted in
   * `toolbridge_connections_refused_total` and audited as `connection_refused`.
   */
  maxConnections?: number;
  /** A gRPC connection without calls for this long is closed (GOAWAY; clients reconnect on their next call): 30 min; 0 = never. */
  maxConnectionIdleMs?: number;
  /** A new gRPC connection that has not sent its first bytes (HTTP/2 preface, TLS ClientHello) within this is closed (10 s). */
  handshakeTimeoutMs?: number;
  /** Largest message received or sent (10 MB). */
  maxMessageBytes?: number;
  /** Items in one BatchExecuteTools (100). */
  maxBatchItems?: number;
  /** Parallelism of a parallel batch that does not set max_parallel (16). */
  defaultBatchParallelism?: number;
  /** How long a request_id's outcome is remembered (5 min). */
  idempotencyWindowMs?: number;
  /** request_id outcomes remembered at most (100,000). */
  maxIdempotencyEntries?: number;
  /**
   * Heap bytes of remembered outcomes at most (32 MiB: ~90,000 small results, so a retry within the
   * window is still answered from memory at thousands of calls/s); the oldest go first.
   */
  maxIdempotencyBytes?: number;
  /** Token bucket per session (default: none). */
  sessionRateLimit?: RateLimitOptions;
  /**
   * Flood guard per session, counted by each host on its own (no store round trip): 20,000 calls/s
   * after a burst of 20,000 unless set; false: none. sessionRateLimit is the limit to tune.
   */
  sessionRateCeiling?: RateLimitOptions | false;
  /** Concurrent calls per session unless its config says otherwise (0 = unlimited). */
  sessionMaxConcurrentCalls?: number;
  /** Calls that may wait for a concurrency slot before ResourceExhausted (100). */
  maxQueuedCalls?: number;
  /** Stack traces in ErrorInfo (never otherwise). */
  debug?: boolean;
  logger?: Logger;
  /** Level of the default logger (info). */
  logLevel?: LogLevel;
  /** Agent runtime; without one CreateReActAgent/ExecuteAgent fail with FailedPrecondition. */
  agents?: AgentService;
  /** LLM that agents run on (CLI: --llm scripted | --llm openai --llm-base-url URL --llm-model NAME); enables the agent RPCs. */
  llm?: HostLlmOptions;
  /** ConnectWorker handler replacing the built-in worker hub. */
  connectWorker?: handleBidiStreamingCall<unknown, unknown>;
  /** Worker processes the host starts, supervises and stops (docs/workers.md). */
  workers?: readonly WorkerConfig[];
  /** Heartbeats, session affinity and timeouts of connected workers. */
  workerOptions?: WorkerHubOptions;
  /** Client certificate of supervised workers; required with `tls.requireClientCert` (docs/security.md). */
  workerTls?: WorkerTlsOptions;
  /** ConnectWorker streams open at once, supervised workers included (1,000); one more is ResourceExhausted. */
  maxWorkerStreams?: number;
  /** Extra grpc-js server options. */
  grpcOptions?: ChannelOptions;
  /** Port of the HTTP/JSON gateway on the same interface (0 picks a free one); absent: no gateway. */
  httpPort?: number;
}

export interface CloseOptions {
  /** How long running calls may take to finish (default 10 s). */
  graceMs?: number;
}

export interface Host {
  /** The port actually bound. */
  readonly port: number;
  /** "host:port" for clients. */
  readonly address: string;
  /** The transport-neutral service, for other transports (HTTP gateway) and in-process use. */
  readonly core: BridgeCore;
  readonly registry: ToolRegistry;
  readonly store: SessionStore;
  /** Call statistics; `metrics.registry` is the prom-client registry, `metricsText()` its text. */
  readonly metrics: HostMetrics;
  /** With a Redis store: this host's place in the cluster (its id, forwarding). */
  readonly cluster?: Cluster;
  /** Connected workers (hub) and the processes the host supervises. */
  readonly workers: HostWorkers;
  /** Port of the HTTP/JSON gateway, when started (HostOptions.httpPort). */
  readonly httpPort?: number;
  /** "http://host:port" (https with TLS) of the HTTP/JSON gateway, when started. */
  readonly httpUrl?: string;
  readonly logger: Logger;
  /** Prometheus text exposition of the host's metrics. */
  metricsText(): Promise<string>;
  /** Adds a global tool while serving. */
  registerTool(tool: ToolExecutor): void;
  /** Adds tools only one session sees. */
  registerSessionTools(sessionId: string, tools: readonly ToolExecutor[]): Promise<void>;
  /** Stops accepting, ends streams with an Unavailable chunk, drains calls for up to graceMs, stops. */
  close(options?: CloseOptions): Promise<void>;
  /** On SIGTERM/SIGINT: close, then exit 0. Returns a function that removes the handlers. */
  shutdownOnSignals(options?: CloseOptions & { signals?: NodeJS.Signals[]; exit?: boolean }): () => void;
}

/** HTTP/2 streams per connection unless HostOptions.maxConcurrentStreams says otherwise. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;

/**
 * Idle time after which a gRPC connection is closed unless HostOptions.maxConnectionIdleMs says
 * otherwise: a connection with a call open (a watcher, a worker's stream) is never idle.
 */
export const DEFAULT_MAX_CONNECTION_IDLE_MS = 30 * 60_000;

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

/** Starts a toolbridge host serving BridgeService, grpc.health.v1 and server reflection. */
export async function createHost(options: HostOptions = {}): Promise<Host> {
  // Late-bound: the runner is created once the store is open, and a session with calls in flight is never idle.
  let runner: ToolRunner | undefined;
  const ownsStore = options.store === undefined || typeof options.store === "string";
  const storeOptions = {
    isBusy: (id: string): boolean => (runner?.inFlight(id) ?? 0) > 0,
    ...defined({
      idleTtlMs: options.sessionIdleTtlMs,
      maxSessions: options.maxSessions,
      maxVariablesPerSession: options.maxVariablesPerSession,
      maxVariableBytesPerSession: options.maxVariableBytesPerSession,
    }),
  };
  const store: SessionStore =
    (typeof options.store === "string"
      ? await (await loadRedisStore()).connect({ url: options.store, ...storeOptions })
      : options.store) ?? new MemorySessionStore(storeOptions);
  // Whatever fails from here on (bad security config, port taken...) must not leave the store open.
  const undo: (() => unknown)[] = ownsStore ? [() => store.close()] : [];
  try {
    return await startHost(options, store, ownsStore, undo, (built) => {
      runner = built;
    });
  } catch (error) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {});
    throw error;
  }
}

/** Only the entries whose value is set (store options must not get explicit undefined). */
function defined<T extends Record<string, number | undefined>>(values: T): { [K in keyof T]?: number } {
  const out: { [K in keyof T]?: number } = {};
  for (const key in values) if (values[key] !== undefined) out[key] = values[key];
  return out;
}

async function startHost(
  options: HostOptions,
  store: SessionStore,
  ownsStore: boolean,
  undo: (() => unknown)[],
  setRunner: (runner: ToolRunner) => void,
): Promise<Host> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
  const debug = options.debug ?? false;
  const logger = options.logger ?? createLogger(options.logLevel);
  const registry = new ToolRegistry();
  // Before any tool is registered, so the audit log sees every registration.
  const security = createHostSecurity(options, { store, registry, debug });
  undo.push(() => security.close());
  for (const tool of options.tools ?? []) registry.registerGlobal(tool);
  const metrics = new HostMetrics(() => store.countSessions());
  let cluster: Cluster | undefined;
  // Only a Redis store (ours or the caller's) joins a cluster; redis is loaded to tell only when it may be one.
  const clustered =
    options.cluster !== false && !(store instanceof MemorySessionStore) && store instanceof (await loadRedisStore());
  // Before serving: forwarded calls must not be a way around tls and auth.
  if (clustered) checkClusterSecurity(options);
  const runner = new ToolRunner({
    ...(clustered
      ? {
          resolveRemote: (sessionId: string, toolId: string, principal: string | undefined) =>
            cluster?.resolve(sessionId, toolId, principal) ?? Promise.resolve(undefined),
        }
      : {}),
    store,
    registry,
    metrics,
    logger,
    debug,
    maxMessageBytes,
    maxBatchItems: options.maxBatchItems ?? DEFAULT_LIMITS.maxBatchItems,
    defaultBatchParallelism: options.defaultBatchParallelism ?? DEFAULT_LIMITS.defaultBatchParallelism,
    idempotencyWindowMs: options.idempotencyWindowMs ?? DEFAULT_LIMITS.idempotencyWindowMs,
    maxIdempotencyEntries: options.maxIdempotencyEntries ?? 100_000,
    maxIdempotencyBytes: options.maxIdempotencyBytes ?? 32 * 1024 * 1024,
    sessionRateLimit: options.sessionRateLimit,
    sessionRateCeiling:
      options.sessionRateCeiling === false ? undefined : (options.sessionRateCeiling ?? DEFAULT_SESSION_RATE_CEILING),
    sessionMaxConcurrentCalls: options.sessionMaxConcurrentCalls ?? 0,
    maxQueuedCalls: options.maxQueuedCalls ?? 100,
  });
  setRunner(runner);
  const core = new BridgeCore({
    store,
    registry,
    runner,
    metrics,
    version: VERSION,
    ...(options.agents ? { agents: options.agents } : {}),
    workerCount: (): number => workers.count,
    ...(security.sessionQuota ? { sessionAdmission: security.sessionQuota } : {}),
  });
  const workers = new HostWorkers(
    {
      core,
      registry,
      store,
      logger,
      metrics,
      authorizeSession: (stream, sessionId) => security.authorizeWorkerSession(stream, sessionId),
    },
    options.workers,
    options.workerOptions,
    { host: options.tls, worker: options.workerTls },
  );
  if (!options.agents && options.llm) core.agents = new AgentRuntime({ host: core, llm: options.llm, logger });
  const adapter = new GrpcAdapter(core, {
    debug,
    // The cap comes before authentication, so refusing costs nothing; a stream auth refuses frees its slot as it ends.
    connectWorker: capWorkerStreams(
      security.guardWorkers(options.connectWorker ?? workers.handler, (token) => workers.hub.expects(token)),
      options.maxWorkerStreams ?? DEFAULT_MAX_WORKER_STREAMS,
      (error) => security.audit?.limitHit(error.code, error.message, "ConnectWorker", undefined, "grpc"),
    ),
    ...(security.guard ? { guard: security.guard } : {}),
    ...(clustered ? { verifyForwarded: laterJoinedVerifier(() => cluster) } : {}),
  });

  const server = new Server({
    // Requests up to 4x the limit reach the handler, which answers MessageTooLarge with an
    // ErrorInfo; beyond that grpc-js refuses them itself before buffering more.
    "grpc.max_receive_message_length": maxMessageBytes * 4,
    "grpc.max_send_message_length": maxMessageBytes + 64 * 1024,
    "grpc.keepalive_time_ms": DEFAULT_LIMITS.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": DEFAULT_LIMITS.keepaliveTimeoutMs,
    "grpc.keepalive_permit_without_calls": 1,
    // HTTP/2 streams one connection may have open; the client queues the rest until one ends.
    "grpc.max_concurrent_streams": options.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
    ...idleOption(options.maxConnectionIdleMs ?? DEFAULT_MAX_CONNECTION_IDLE_MS),
    ...options.grpcOptions,
  });
  undo.push(() => server.forceShutdown());
  server.addService(withRequestLimit(hostServiceDefinition, maxMessageBytes), adapter.handlers());
  const health = addHealth(server, { "": "SERVING", "toolbridge.v1.BridgeService": "SERVING" });
  addReflection(server);

  const hostname = options.host ?? "127.0.0.1";
  const connectionLimit = (transport: ListenerTransport) =>
    new ConnectionLimit(transport, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, (limit, remote) =>
      security.audit?.connectionRefused(limit.transport, limit.maxConnections, remote),
    );
  const grpcConnections = connectionLimit("grpc");
  const httpConnections = options.httpPort === undefined ? undefined : connectionLimit("http");
  registerConnectionMetrics(metrics, httpConnections ? [grpcConnections, httpConnections] : [grpcConnections]);
  const listener = await listenGrpc(
    server,
    security.grpcCredentials,
    {
      host: hostname,
      port: options.port ?? 50051,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    },
    grpcConnections,
    (error) => logger.error({ err: error }, "gRPC listener failed to accept a connection"),
  );
  undo.push(() => {
    listener.stopAccepting();
    listener.destroyOpen();
  });
  const port = listener.port;
  const address = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  const gateway =
    options.httpPort === undefined
      ? undefined
      : await (await import("./gateway/gateway.js")).startGateway({
          core,
          metrics,
          logger,
          maxMessageBytes,
          version: VERSION,
          host: hostname,
          port: options.httpPort,
          ...(security.https ? { https: security.https } : {}),
          ...(security.guard ? { guard: security.guard } : {}),
          ...(httpConnections ? { connections: httpConnections } : {}),
        });
  if (gateway) undo.push(() => gateway.close());
  if (clustered) {
    const { Cluster } = await import("./cluster/cluster.js");
    cluster = await Cluster.join(
      store as RedisSessionStore,
      registry,
      address,
      logger,
      options.cluster || undefined,
      options.tls,
    );
    const joined = cluster;
    undo.push(() => joined.close());
  }
  undo.push(() => workers.close(0));
  await workers.start(address);
  logger.info({ address, tools: registry.globalSpecs().length }, "toolbridge host listening");

  let closing: Promise<void> | undefined;
  const close = (closeOptions: CloseOptions = {}): Promise<void> => {
    closing ??= (async () => {
      const graceMs = closeOptions.graceMs ?? 10_000;
      health.setStatus("", "NOT_SERVING");
      health.setStatus("toolbridge.v1.BridgeService", "NOT_SERVING");
      core.stopAccepting();
      await core.drain(graceMs);
      await workers.close(graceMs);
      adapter.closeStreams();
      listener.stopAccepting();
      await Promise.all([shutdownServer(server, Math.min(graceMs, 2_000)), gateway?.close()]);
      listener.destroyOpen();
      await cluster?.close();
      if (ownsStore) await store.close();
      security.close();
      logger.info({ address }, "toolbridge host stopped");
    })();
    return closing;
  };

  return {
    port,
    address,
    ...(gateway ? { httpPort: gateway.port, httpUrl: gateway.url } : {}),
    core,
    registry,
    store,
    metrics,
    workers,
    ...(cluster ? { cluster } : {}),
    logger,
    metricsText: () => metrics.metricsText(),
    registerTool: (tool) => registry.registerGlobal(tool),
    registerSessionTools: (sessionId, tools) => core.registerSessionTools(sessionId, tools),
    close,
    shutdownOnSignals({ signals = ["SIGTERM", "SIGINT"], exit = true, ...closeOptions } = {}) {
      const onSignal = (signal: NodeJS.Signals) => {
        logger.info({ signal }, "shutting down");
        void close(closeOptions).then(() => {
          if (exit) process.exit(0);
        });
      };
      for (const signal of signals) process.once(signal, onSignal);
      return () => {
        for (const signal of signals) process.off(signal, onSignal);
      };
    },
  };
}

/**
 * The Redis store class, imported on demand: redis (like the cluster and the gateway's
 * fastify, also imported on demand) costs hundreds of modules and ~0.4 s at the start of
 * every host, most of which never use it.
 */
async function loadRedisStore(): Promise<typeof RedisSessionStore> {
  return (await import("./store/redis/store.js")).RedisSessionStore;
}

/** grpc-js's idle option; grpc-js's own default (none) for 0. */
function idleOption(maxConnectionIdleMs: number): ChannelOptions {
  return maxConnectionIdleMs > 0 ? { "grpc.max_connection_idle_ms": maxConnectionIdleMs } : {};
}

/** Graceful grpc-js shutdown, forced after timeoutMs. */
function shutdownServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
