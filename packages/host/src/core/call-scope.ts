import { ToolBridgeError } from "@toolbridge/protocol";

/** What the transport tells the service layer about one call. */
export interface CallContext {
  /** Aborts when the caller cancels or disconnects. */
  readonly signal: AbortSignal;
  /** Epoch ms of the caller's deadline; Infinity when it set none. */
  readonly deadlineMs: number;
  /** Authenticated caller, when the transport knows one. */
  readonly principal?: string;
  /** Id of the host that forwarded this call here (cluster); it already applied idempotency and rate limits. */
  readonly forwardedBy?: string;
  /**
   * Optional cheaper way to hear about a cancel than listening on `signal`
   * (AbortSignal listeners cost ~10 µs each in Node 20, too much per call).
   * Calls `listener` once on cancel (at once if already cancelled); returns an
   * unsubscribe function.
   */
  onCancel?(listener: () => void): () => void;
}

/** Why a call was stopped before its tool finished. */
export type StopReason = "timeout" | "deadline" | "cancelled" | "session" | "shutdown";

const MESSAGES: Record<StopReason, string> = {
  timeout: "tool call timed out",
  deadline: "client deadline exceeded",
  cancelled: "call cancelled by the client",
  session: "session ended during the call",
  shutdown: "host shutting down",
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
  private readonly timer: NodeJS.Timeout | undefined;
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
      this.timer = setTimeout(() => this.stop(byClient ? "deadline" : "timeout"), ms);
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
    return new Promise<T>((resolve, reject) => {
      this.rejectGuard = reject;
      work.then(
        (value) => {
          this.rejectGuard = undefined;
          resolve(value);
        },
        (error) => {
          this.rejectGuard = undefined;
          reject(error);
        },
      );
    });
  }

  /** The error that ends the call for the reason it stopped. */
  stopError(): ToolBridgeError {
    const reason = this.reason ?? "cancelled";
    const details = { tool_name: this.toolName, request_id: this.requestId, reason };
    switch (reason) {
      case "timeout":
        return new ToolBridgeError("TimeoutError", `${this.toolName}: ${MESSAGES.timeout}`, { details });
      case "deadline":
        return new ToolBridgeError("DeadlineExceeded", `${this.toolName}: ${MESSAGES.deadline}`, { details });
      case "cancelled":
        return new ToolBridgeError("Cancelled", `${this.toolName}: ${MESSAGES.cancelled}`, { details });
      case "session":
        return new ToolBridgeError("SessionExpired", `${this.toolName}: ${MESSAGES.session}`, { details });
      case "shutdown":
        return new ToolBridgeError("Unavailable", MESSAGES.shutdown, { details });
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.unsubscribe?.();
  }

  private readonly onCancel = () => this.stop("cancelled");
}
