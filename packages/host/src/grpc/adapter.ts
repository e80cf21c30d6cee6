import {
  type handleBidiStreamingCall,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { FORWARDED_BY_HEADER } from "../cluster/header.js";
import type { BridgeCore } from "../core/bridge-core.js";
import type { CallContext } from "../core/call-scope.js";
import { hostError } from "../errors.js";
import { guardedOpen, guardedUnary, refusedRequest } from "../security/grpc-guard.js";
import { methodName, type RequestGuard } from "../security/request-guard.js";
import { toGrpcStatus } from "./status.js";

export interface GrpcAdapterOptions {
  debug: boolean;
  /** Authentication, session ownership and audit of every call (packages/host/src/security). */
  guard?: RequestGuard;
  /** Handler of ConnectWorker, once workers are supported. */
  connectWorker?: handleBidiStreamingCall<unknown, unknown>;
}

type Surface = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/**
 * grpc-js side of BridgeService: turns each call into (request, CallContext),
 * calls BridgeCore, and turns results and ToolBridgeErrors back into gRPC.
 * Server streams honour backpressure: the next chunk is pulled only after
 * write() has room again, so a slow reader pauses the producer.
 */
export class GrpcAdapter {
  private readonly openStreams = new Set<AbortController>();
  private shuttingDown = false;

  constructor(
    private readonly core: BridgeCore,
    private readonly options: GrpcAdapterOptions,
  ) {}

  /** Every BridgeService method, in one place. */
  handlers(): UntypedServiceImplementation {
    const core = this.core;
    return {
      InitializeSession: this.unary((r, cc) => core.initializeSession(r, cc)),
      CleanupSession: this.unary((r, cc) => core.cleanupSession(r, cc)),
      GetSessionInfo: this.unary((r, cc) => core.getSessionInfo(r, cc)),
      GetSessionTools: this.unary((r, cc) => core.getSessionTools(r, cc)),
      ExecuteTool: this.unary((r, cc) => core.executeTool(r, cc)),
      StreamTool: this.serverStream((r, cc) => core.streamTool(r, cc)),
      BatchExecuteTools: this.unary((r, cc) => core.batchExecuteTools(r, cc)),
      GetVariable: this.unary((r, cc) => core.getVariable(r, cc)),
      SetVariable: this.unary((r, cc) => core.setVariable(r, cc)),
      ListVariables: this.unary((r, cc) => core.listVariables(r, cc)),
      DeleteVariable: this.unary((r, cc) => core.deleteVariable(r, cc)),
      WatchVariables: this.serverStream((r, cc) => core.watchVariables(r, cc)),
      CreateReActAgent: this.unary((r, cc) => core.createReActAgent(r, cc)),
      ExecuteAgent: this.serverStream((r, cc) => core.executeAgent(r, cc)),
      ConnectWorker: this.options.connectWorker ?? unimplementedWorker,
      HealthCheck: this.unary((r, cc) => core.healthCheck(r, cc)),
      GetMetrics: this.unary((r, cc) => core.getMetrics(r, cc)),
    };
  }

  /** Ends every open server stream (watchers, agent runs) with UNAVAILABLE "host shutting down". */
  closeStreams(): void {
    this.shuttingDown = true;
    for (const controller of this.openStreams) controller.abort();
  }

  // biome-ignore lint/suspicious/noExplicitAny: each handler's request type is fixed by the service definition
  private unary<Res>(run: (req: any, cc: CallContext) => Promise<Res>) {
    const debug = this.options.debug;
    return (call: ServerUnaryCall<unknown, Res>, callback: sendUnaryData<Res>) => {
      const request = call.request;
      const refused = refusedRequest(request);
      if (refused) {
        this.options.guard?.settled(methodName(call.getPath()), undefined, "grpc", { error: refused });
        callback(toGrpcStatus(refused, debug));
        return;
      }
      if (this.options.guard) {
        guardedUnary(
          this.options.guard,
          call,
          (p) => run(request, new GrpcCallContext(call, undefined, p)),
          callback,
          debug,
        );
        return;
      }
      let result: Promise<Res>;
      try {
        result = run(request, new GrpcCallContext(call, undefined));
      } catch (error) {
        callback(toGrpcStatus(error, debug));
        return;
      }
      result.then(
        (response) => callback(null, response),
        (error) => callback(toGrpcStatus(error, debug)),
      );
    };
  }

  private serverStream<Res>(
    // biome-ignore lint/suspicious/noExplicitAny: each handler's request type is fixed by the service definition
    open: (req: any, cc: CallContext) => AsyncIterable<Res> | Promise<AsyncIterable<Res>>,
  ) {
    return (call: ServerWritableStream<unknown, Res>) => {
      const request = call.request;
      const refused = refusedRequest(request);
      if (refused) {
        this.options.guard?.settled(methodName(call.getPath()), undefined, "grpc", { error: refused });
        call.emit("error", toGrpcStatus(refused, this.options.debug));
        return;
      }
      const controller = new AbortController();
      this.openStreams.add(controller);
      const guard = this.options.guard;
      const start = guard
        ? () => guardedOpen(guard, call, (principal) => open(request, new GrpcCallContext(call, controller, principal)))
        : () => open(request, new GrpcCallContext(call, controller));
      void this.pump(call, start, controller.signal).finally(() => this.openStreams.delete(controller));
    };
  }

  private async pump<Res>(
    call: ServerWritableStream<unknown, Res>,
    open: () => AsyncIterable<Res> | Promise<AsyncIterable<Res>>,
    signal: AbortSignal,
  ): Promise<void> {
    let iterator: AsyncIterator<Res> | undefined;
    let finished = false;
    try {
      iterator = (await open())[Symbol.asyncIterator]();
      while (!signal.aborted) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        if (!call.write(next.value)) await drained(call, signal);
      }
      if (finished) call.end();
      else if (this.shuttingDown && !call.cancelled) this.fail(call, hostError("Unavailable", "host shutting down"));
    } catch (error) {
      finished = true;
      if (!call.cancelled) this.fail(call, this.shuttingDown ? hostError("Unavailable", "host shutting down") : error);
    } finally {
      if (!finished) iterator?.return?.().catch(() => {});
    }
  }

  private fail(call: ServerWritableStream<unknown, unknown>, error: unknown): void {
    call.emit("error", toGrpcStatus(error, this.options.debug));
  }
}

/**
 * CallContext of a grpc-js call: its deadline, cancel notification through the
 * call's "cancelled" event, and an AbortSignal made only when someone asks.
 */
class GrpcCallContext implements CallContext {
  readonly deadlineMs: number;
  readonly forwardedBy: string | undefined;

  constructor(
    private readonly call: Surface,
    private controller: AbortController | undefined,
    readonly principal?: string,
  ) {
    const deadline = call.getDeadline();
    this.deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
    const forwardedBy = call.metadata.get(FORWARDED_BY_HEADER)[0];
    this.forwardedBy = typeof forwardedBy === "string" ? forwardedBy : undefined;
    if (controller) this.linkController(controller);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      this.linkController(this.controller);
    }
    return this.controller.signal;
  }

  /**
   * One "cancelled" subscription per call, fanned out here: a parallel batch
   * has one listener per item, which would trip EventEmitter's leak warning.
   */
  onCancel(listener: () => void): () => void {
    if (this.call.cancelled) {
      listener();
      return noop;
    }
    let listeners = this.cancelListeners;
    if (!listeners) {
      const set = new Set<() => void>();
      this.cancelListeners = listeners = set;
      this.call.once("cancelled", () => {
        for (const notify of set) notify();
      });
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  private cancelListeners: Set<() => void> | undefined;

  private linkController(controller: AbortController): void {
    this.onCancel(() => controller.abort());
  }
}

const noop = () => {};

function drained(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    call.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

const unimplementedWorker: handleBidiStreamingCall<unknown, unknown> = (call) => {
  call.emit("error", {
    code: status.UNIMPLEMENTED,
    details:
      "ConnectWorker is not served by this adapter: it was created without a worker hub (createHost provides one)",
  });
};
