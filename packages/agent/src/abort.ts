import { type ErrorType, ToolBridgeError } from "@toolbridge/protocol";

/**
 * Settles with the promise, or rejects with the signal's reason as soon as the
 * signal aborts, so a model or tool that ignores its signal cannot hold a run.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * An AbortController that also aborts when a parent signal does (with the
 * parent's reason, or `parentReason()` when given) or after `timeoutMs` (with
 * `timeoutReason()`). dispose() drops the timer and the parent listener.
 */
export class AbortScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onParentAbort: () => void;
  readonly deadline: number;

  constructor(
    private readonly parent: AbortSignal | undefined,
    timeoutMs: number | undefined,
    timeoutReason: () => ToolBridgeError,
    parentReason?: () => ToolBridgeError,
  ) {
    this.onParentAbort = () => this.controller.abort(parentReason === undefined ? parent?.reason : parentReason());
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener("abort", this.onParentAbort, { once: true });
    this.deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    if (timeoutMs !== undefined) this.timer = setTimeout(() => this.controller.abort(timeoutReason()), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

/** The error a run reports when `error` was thrown: toolbridge errors keep their code. */
export function describeError(
  error: unknown,
  fallback: ErrorType,
): { type: string; message: string; details?: Record<string, string> } {
  if (error instanceof ToolBridgeError)
    return { type: error.errorType, message: error.message, details: { ...error.details } };
  return { type: fallback, message: error instanceof Error ? error.message : String(error) };
}
