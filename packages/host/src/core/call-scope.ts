import { type ErrorType, ToolBridgeError } from "@toolbridge/protocol";
import { type Deadline, DeadlineQueue } from "./deadline-queue.js";

/** What the transport tells the service layer about one call. */
export interface CallContext {
  /** Aborts when the caller cancels or disconnects. */
  readonly signal: AbortSignal;
  /** Epoch ms of the caller's deadline; Infinity when it set none. */
  readonly deadlineMs: number;
  /** Authenticated caller, when the transport knows one. */
  readonly principal?: string;
  /**
   * Id of the host that forwarded this call here (cluster), set only once its signed mark
   * verified; that host already applied idempotency and rate limits.
   */
  readonly forwardedBy?: string;
  /**
   * Optional cheaper way to hear about a cancel than listening on `signal`
   * (AbortSignal listeners cost ~10 µs each in Node 20, too much per call).
   * Calls `listener` once on cancel (at once if already cancelled); returns an
   * unsubscribe function.
   */
  onCancel?(listener: () => void): () => void;
}

/** Every call's timeout and client deadline, behind one timer. */
const deadlines = new DeadlineQueue();

/** Why a call was stopped before its tool finished. */
export type StopReason = "timeout" | "deadline" | "cancelled" | "session" | "shutdown";

/** The error code and message of each stop; all but shutdown name the tool in the message. */
const STOPS: Record<StopReason, { readonly code: ErrorType; readonly message: string }> = {
  timeout: { code: "TimeoutError", message: "tool call timed out" },
  deadline: { code: "DeadlineExceeded", message: "client deadline exceeded" },
  cancelled: { code: "Cancelled", message: "call cancelled by the client" },
  session: { code: "SessionExpired", message: "session ended during the call" },
  shutdown: { code: "Unavailable", message: "host shutting down" },
};

/**
 * The life of one tool call: one AbortSignal for the handler that fires on the
 * tool's timeout, the client's deadline (whichever is sooner), a client cancel,
 * the session ending or host shutdown; and `guard`, which settles a pending
 * promise as soon as that happens, so a handler that ignores its signal cannot
 * make the caller hang.
 */
export class CallScope {
  readonly controller = new AbortController();
  readonly deadline: number;
  reason: StopReason | undefined;
  /** Concurrency slots the call holds (bit 1: the tool's, bit 2: the session's), for the runner to release. */
  held = 0;
  /** Ms the call waited for those slots. */
  queuedMs = 0;
  private readonly timer: Deadline | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private rejectGuard: ((error: unknown) => void) | undefined;

  constructor(
    cc: CallContext,
    timeoutMs: number,
    private readonly toolName: string,
    private readonly requestId: string,
  ) {
    const now = Date.now();
    const clientLeft = cc.deadlineMs - now;
    const byClient = clientLeft < timeoutMs;
    const ms = byClient ? clientLeft : timeoutMs;
    this.deadline = now + ms;
    if (ms <= 0) {
      this.stop("deadline");
    } else if (ms < 2_147_483_647) {
      this.timer = deadlines.add(this.deadline, () => this.stop(byClient ? "deadline" : "timeout"));
    }
    if (cc.onCancel) {
      this.unsubscribe = cc.onCancel(this.onCancel);
    } else if (cc.signal.aborted) {
      this.stop("cancelled");
    } else {
      cc.signal.addEventListener("abort", this.onCancel);
      this.unsubscribe = () => cc.signal.removeEventListener("abort", this.onCancel);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const error = this.stopError();
    this.controller.abort(error);
    const reject = this.rejectGuard;
    this.rejectGuard = undefined;
    reject?.(error);
  }

  /** Settles with `work`, or rejects with the stop error as soon as the call is stopped. */
  guard<T>(work: Promise<T>): Promise<T> {
    if (this.reason !== undefined) {
      work.catch(() => {});
      return Promise.reject(this.stopError());
    }
    // A stop after `work` settled rejects a settled promise, which does nothing; dispose() drops the reject.
    return new Promise<T>((resolve, reject) => {
      this.rejectGuard = reject;
      work.then(resolve, reject);
    });
  }

  /** The error that ends the call for the reason it stopped. */
  stopError(): ToolBridgeError {
    const reason = this.reason ?? "cancelled";
    const { code, message } = STOPS[reason];
    const details = { tool_name: this.toolName, request_id: this.requestId, reason };
    return new ToolBridgeError(code, reason === "shutdown" ? message : `${this.toolName}: ${message}`, { details });
  }

  /** The error code of stopError(), without building the error. */
  get stopCode(): ErrorType {
    return STOPS[this.reason ?? "cancelled"].code;
  }

  dispose(): void {
    if (this.timer !== undefined) deadlines.remove(this.timer);
    this.unsubscribe?.();
    this.rejectGuard = undefined;
  }

  private readonly onCancel = () => this.stop("cancelled");
}
