import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ClientDuplexStream, Client as GrpcClient } from "@grpc/grpc-js";
import { createLogger, errorInfoFromThrown, type ToolDefinition } from "@toolbridge/host";
import {
  type ConnectWorkerRequest,
  ConnectWorkerRequestSchema,
  type ConnectWorkerResponse,
  type ErrorInfo,
  ToolBridgeError,
  type WorkerInvocation,
} from "@toolbridge/protocol";
import type { Logger } from "pino";
import { type ChannelSettings, createGrpcClient, metadataFactory } from "../channel.js";
import { Connection } from "../connection.js";
import { callError } from "../error-mapping.js";
import { tlsFromEnvironment } from "./environment-tls.js";
import { watchParent } from "./lifeline.js";
import { WorkerCallContext } from "./worker-context.js";

/** Environment a host gives the workers it starts. */
export const WORKER_HOST_ADDRESS_ENV = "TOOLBRIDGE_HOST_ADDRESS";
export const WORKER_TOKEN_ENV = "TOOLBRIDGE_WORKER_TOKEN";
/** Bearer token for a host with authentication, when `authToken` is not given. */
export const WORKER_AUTH_TOKEN_ENV = "TOOLBRIDGE_AUTH_TOKEN";

export interface ServeWorkerOptions extends ChannelSettings {
  /** Register the tools into this session only (default: globally). */
  sessionId?: string;
  /** Id to ask for (a worker the host started sends its token instead). */
  workerId?: string;
  name?: string;
  /** Calls run at once, told to the host for load balancing (0 = no limit). */
  maxConcurrency?: number;
  /**
   * Exit the process when the host that started this worker goes away (stdin
   * EOF, re-parenting) or ends the stream. Default: on when $TOOLBRIDGE_WORKER_TOKEN
   * is set, i.e. the host started this process.
   */
  supervised?: boolean;
  logger?: Logger;
}

export interface WorkerHandle {
  /** Id the host gave this worker. */
  readonly workerId: string;
  /** Address for calls back into the host. */
  readonly hostAddress: string;
  /** Resolves with the reason once the connection to the host is over. */
  readonly closed: Promise<string>;
  /** Finishes running calls (at most graceMs, default 10 s), then disconnects. */
  close(graceMs?: number): Promise<void>;
}

type Outgoing = MessageInitShape<typeof ConnectWorkerRequestSchema>["message"];

const VERSION = "0.1.0";
const MISSED_HEARTBEATS = 3;

/**
 * Serves tools declared with defineTool (from @toolbridge/host) to a host: one
 * ConnectWorker stream, hello → welcome → registration, then calls until close().
 * Arguments are bound and validated by the same code the host uses for its own
 * tools. Resolves once the host has accepted the tools.
 */
export async function serveWorker(
  hostAddress: string | undefined,
  tools: readonly ToolDefinition[],
  options: ServeWorkerOptions = {},
): Promise<WorkerHandle> {
  const address = hostAddress ?? process.env[WORKER_HOST_ADDRESS_ENV];
  if (!address)
    throw new ToolBridgeError("InvalidArgument", `no host address: pass one or set ${WORKER_HOST_ADDRESS_ENV}`);
  const worker = new WorkerRuntime(address, tools, options);
  await worker.start();
  return worker;
}

class WorkerRuntime implements WorkerHandle {
  workerId = "";
  hostAddress: string;
  readonly closed: Promise<string>;
  private readonly tools = new Map<string, ToolDefinition>();
  private readonly client: GrpcClient;
  private readonly stream: ClientDuplexStream<ConnectWorkerRequest, ConnectWorkerResponse>;
  private readonly calls = new Map<string, AbortController>();
  private readonly logger: Logger;
  private readonly supervised: boolean;
  private readonly token: string;
  private callback: Connection | undefined;
  private readonly settings: ServeWorkerOptions;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastHeardAt = Date.now();
  private stopping = false;
  private done = false;
  /** How the stream failed, mapped like any client call's failure. */
  private failure: ToolBridgeError | undefined;
  private finish!: (reason: string) => void;
  private stopLifeline: (() => void) | undefined;
  private onMessage: ((message: ConnectWorkerResponse) => void) | undefined;

  constructor(
    private readonly address: string,
    tools: readonly ToolDefinition[],
    private readonly options: ServeWorkerOptions,
  ) {
    for (const tool of tools) this.tools.set(tool.spec.name, tool);
    this.hostAddress = address;
    this.token = process.env[WORKER_TOKEN_ENV] ?? "";
    this.supervised = options.supervised ?? this.token !== "";
    this.logger = options.logger ?? createLogger("info");
    const authToken = options.authToken ?? process.env[WORKER_AUTH_TOKEN_ENV];
    // The stream and the calls back into the host (tool context) use the same TLS, client certificate included.
    const tls = options.tls ?? tlsFromEnvironment();
    this.settings = {
      ...options,
      ...(authToken === undefined ? {} : { authToken }),
      ...(tls === undefined ? {} : { tls }),
    };
    this.client = createGrpcClient(address, this.settings);
    const connect = (this.client as unknown as Record<string, (...a: unknown[]) => typeof this.stream>).ConnectWorker;
    // A worker the host started proves it with its supervisor token when it has no token of its own.
    const streamToken = authToken ?? (this.token || undefined);
    this.stream = (connect as (...a: unknown[]) => typeof this.stream).call(
      this.client,
      metadataFactory(streamToken)(),
    );
    this.closed = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.stream.on("data", (message: ConnectWorkerResponse) => {
      this.lastHeardAt = Date.now();
      this.onMessage?.(message);
    });
    this.stream.on("error", (error: Error) => {
      this.failure = callError(error, {}, undefined);
      this.ended(`stream failed: ${error.message}`);
    });
    this.stream.on("end", () => this.ended("host ended the stream"));
  }

  async start(): Promise<void> {
    if (this.supervised) {
      this.stopLifeline = watchParent((reason) => {
        this.logger.warn({ reason }, "host gone: worker exiting");
        process.exit(0);
      });
    }
    const welcome = await this.next("welcome", () =>
      this.send({
        case: "hello",
        value: {
          workerId: this.token || this.options.workerId || "",
          name: this.options.name ?? "typescript-worker",
          language: "typescript",
          pid: process.pid,
          version: VERSION,
          maxConcurrency: this.options.maxConcurrency ?? 0,
        },
      }),
    );
    this.workerId = welcome.workerId;
    if (welcome.hostAddress !== "") this.hostAddress = welcome.hostAddress;
    // Watch the host from the welcome on, not from registration: a host that stops
    // after sending the registration result (still in its buffers) must not leave
    // this worker waiting for it forever.
    const interval = welcome.heartbeatIntervalMs || 2000;
    this.heartbeat = setInterval(() => this.beat(interval), interval);
    this.heartbeat.unref();
    const registrationId = `${process.pid}-${Date.now()}`;
    const result = await this.next("registerResult", () =>
      this.send({
        case: "registerTools",
        value: {
          sessionId: this.options.sessionId ?? "",
          tools: [...this.tools.values()].map((t) => t.spec),
          registrationId,
        },
      }),
    );
    if (!result.success) {
      this.stream.cancel();
      const error = result.error;
      throw new ToolBridgeError(
        (error?.type as ConstructorParameters<typeof ToolBridgeError>[0]) || "FailedPrecondition",
        `host refused the tools: ${error?.message ?? "no reason given"}`,
        { details: { ...error?.details } },
      );
    }
    this.onMessage = (message) => this.dispatch(message);
  }

  async close(graceMs = 10_000): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      const deadline = Date.now() + graceMs;
      while (this.calls.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      this.stream.end();
      if (this.calls.size > 0) this.stream.cancel();
      // Give the host a moment to see the end; the close promise settles on the stream's end.
      setTimeout(() => this.ended("closed by the worker"), 2_000).unref();
    }
    await this.closed;
  }

  private send(message: Outgoing): boolean {
    return this.stream.write(create(ConnectWorkerRequestSchema, { message }));
  }

  /** Sends, then waits for the next message of one kind (the handshake steps). */
  private next<K extends "welcome" | "registerResult">(
    kind: K,
    sendFirst: () => void,
  ): Promise<Extract<ConnectWorkerResponse["message"], { case: K }>["value"]> {
    return new Promise((resolve, reject) => {
      const onEnd = (reason: string) =>
        reject(
          this.failure ??
            new ToolBridgeError("Unavailable", `host ${this.address} closed the worker stream: ${reason}`),
        );
      void this.closed.then(onEnd);
      this.onMessage = (message) => {
        if (message.message.case === kind) resolve(message.message.value as never);
      };
      sendFirst();
    });
  }

  private ended(reason: string): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.heartbeat);
    for (const controller of this.calls.values()) controller.abort(new ToolBridgeError("Unavailable", reason));
    this.calls.clear();
    this.callback?.close();
    this.client.close();
    this.stopLifeline?.();
    this.finish(reason);
    if (this.supervised && !this.stopping) {
      this.logger.warn({ reason }, "connection to the host is over: worker exiting");
      process.exit(0);
    }
  }

  private beat(interval: number): void {
    if (Date.now() - this.lastHeardAt > interval * MISSED_HEARTBEATS) {
      this.logger.error("host silent for 3 heartbeats: leaving");
      this.stream.cancel();
      return;
    }
    this.send({
      case: "heartbeat",
      value: { sentAtMs: BigInt(Date.now()), inFlight: this.calls.size, rssBytes: BigInt(process.memoryUsage.rss()) },
    });
  }

  private dispatch(message: ConnectWorkerResponse): void {
    const body = message.message;
    switch (body.case) {
      case "invocation":
        void this.run(body.value);
        return;
      case "cancel":
        this.calls
          .get(body.value.callId)
          ?.abort(new ToolBridgeError("Cancelled", body.value.reason || "cancelled by the host"));
        this.calls.delete(body.value.callId);
        return;
      case "drain":
        this.logger.info({ reason: body.value.reason }, "host asked to drain");
        void this.close(body.value.graceMs || 10_000);
        return;
      default:
        return;
    }
  }

  private async run(invocation: WorkerInvocation): Promise<void> {
    const { callId, toolName } = invocation;
    const started = performance.now();
    const controller = new AbortController();
    this.calls.set(callId, controller);
    const deadline = Date.now() + (invocation.timeoutMs || 30_000);
    const timer = setTimeout(
      () => controller.abort(new ToolBridgeError("TimeoutError", `${toolName}: call budget spent`)),
      deadline - Date.now(),
    );
    try {
      const tool = this.tools.get(toolName);
      if (!tool) throw new ToolBridgeError("ToolNotFound", `worker ${this.workerId} has no tool ${toolName}`);
      const ctx = new WorkerCallContext(
        {
          sessionId: invocation.sessionId,
          requestId: invocation.requestId,
          toolName,
          deadline,
          context: invocation.context,
        },
        controller.signal,
        () => this.callbackConnection(),
        this.logger,
      );
      const call = { args: invocation.args, kwargs: invocation.kwargs, context: invocation.context };
      if (invocation.streaming && tool.streaming) {
        await this.streamChunks(callId, tool.stream(call, ctx), controller.signal);
        return;
      }
      const value = await tool.execute(call, ctx);
      if (controller.signal.aborted) return;
      this.send({
        case: "result",
        value: { callId, success: true, result: value, durationMs: performance.now() - started },
      });
    } catch (error) {
      if (controller.signal.aborted && !this.calls.has(callId)) return; // cancelled: nobody waits
      const info = errorInfoFromThrown(error, toolName, invocation.requestId, false);
      this.fail(callId, invocation, info, started);
    } finally {
      clearTimeout(timer);
      this.calls.delete(callId);
    }
  }

  /** Chunks go out as the stream accepts them: a full HTTP/2 window pauses the tool. */
  private async streamChunks(callId: string, chunks: AsyncIterable<Any>, signal: AbortSignal): Promise<void> {
    let sequence = 0n;
    try {
      for await (const data of chunks) {
        if (signal.aborted) return;
        if (
          !this.send({ case: "chunk", value: { callId, sequence: sequence++, content: { case: "data", value: data } } })
        ) {
          await new Promise<void>((resolve) => {
            const done = () => {
              this.stream.off("drain", done);
              signal.removeEventListener("abort", done);
              resolve();
            };
            this.stream.on("drain", done);
            signal.addEventListener("abort", done, { once: true });
          });
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      const info = errorInfoFromThrown(error, "", "", false);
      this.send({ case: "chunk", value: { callId, sequence, content: { case: "error", value: info } } });
      return;
    }
    if (!signal.aborted)
      this.send({ case: "chunk", value: { callId, sequence, content: { case: "complete", value: true } } });
  }

  private fail(callId: string, invocation: WorkerInvocation, info: ErrorInfo, started: number): void {
    if (invocation.streaming && this.tools.get(invocation.toolName)?.streaming) {
      this.send({ case: "chunk", value: { callId, sequence: 0n, content: { case: "error", value: info } } });
      return;
    }
    this.send({
      case: "result",
      value: { callId, success: false, error: info, durationMs: performance.now() - started },
    });
  }

  private callbackConnection(): Connection {
    this.callback ??= new Connection(this.hostAddress, { ...this.settings, retry: false });
    return this.callback;
  }
}
