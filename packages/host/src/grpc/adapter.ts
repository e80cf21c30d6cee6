import {
  type handleBidiStreamingCall,
  type MethodDefinition,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  type ExecuteToolRequest,
  readExecuteToolRequest,
  ToolBridgeError,
} from "@toolbridge/protocol";
import { type ForwardedVerifier, forwardedByOf } from "../cluster/forwarded-call.js";
import type { ForwardedBy } from "../cluster/forwarded-mark.js";
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
  /** Checks calls other hosts of the cluster forwarded here; absent: every call marked as forwarded is refused. */
  verifyForwarded?: ForwardedVerifier;
}

type Surface = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/**
 * BridgeService as this host serves it: ExecuteTool requests, one per tool call,
 * are read by protocol's hand-written reader (field for field what fromBinary
 * reads, and fromBinary itself for anything unusual); every other method keeps
 * protobuf-es' reflective codecs.
 */
export const hostServiceDefinition: ServiceDefinition = {
  ...bridgeServiceDefinition,
  ExecuteTool: {
    ...(bridgeServiceDefinition.ExecuteTool as MethodDefinition<ExecuteToolRequest, unknown>),
    requestDeserialize: readExecuteToolRequest,
  },
};

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
      const forwarded = this.forwardedBy(call);
      if (forwarded instanceof Error) {
        callback(toGrpcStatus(forwarded, debug));
        return;
      }
      if (this.options.guard) {
        guardedUnary(
          this.options.guard,
          call,
          (p) => run(request, new GrpcCallContext(call, undefined, p, forwarded?.hostId)),
          callback,
          debug,
          forwarded,
        );
        return;
      }
      let result: Promise<Res>;
      try {
        result = run(request, new GrpcCallContext(call, undefined, undefined, forwarded?.hostId));
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
      const forwarded = this.forwardedBy(call);
      if (forwarded instanceof Error) {
        call.emit("error", toGrpcStatus(forwarded, this.options.debug));
        return;
      }
      const controller = new AbortController();
      this.openStreams.add(controller);
      const guard = this.options.guard;
      const start = guard
        ? () =>
            guardedOpen(
              guard,
              call,
              (principal) => open(request, new GrpcCallContext(call, controller, principal, forwarded?.hostId)),
              forwarded,
            )
        : () => open(request, new GrpcCallContext(call, controller, undefined, forwarded?.hostId));
      void this.pump(call, start, controller.signal).finally(() => this.openStreams.delete(controller));
    };
  }

  /**
   * Who forwarded a call marked as forwarded by another host (undefined: not
   * marked), or the error to refuse it with when its mark does not verify
   * (audited as a failed authentication).
   */
  private forwardedBy(call: Surface): ForwardedBy | undefined | Error {
    try {
      return forwardedByOf(call, this.options.verifyForwarded);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof ToolBridgeError && error.code === "Unauthenticated") {
        this.options.guard?.forwardRefused(methodName(call.getPath()), reason, "grpc");
      }
      return error instanceof Error ? error : new Error(reason);
    }
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

  constructor(
    private readonly call: Surface,
    private controller: AbortController | undefined,
    readonly principal?: string,
    /** The host that forwarded this call, once its mark is verified. */
    readonly forwardedBy?: string,
  ) {
    const deadline = call.getDeadline();
    this.deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
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
      // `on`, not `once`: grpc-js emits "cancelled" at most once per call, and once() wraps the listener in two more objects.
      this.call.on("cancelled", () => {
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
