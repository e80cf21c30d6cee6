import type { ToolBridgeError } from "@toolbridge/protocol";
import { RateLimitedError, ToolCommunicationError } from "./errors.js";
import type { BackoffOptions, RetryPolicy } from "./types.js";

const DEFAULT_BACKOFF = Object.freeze({ initialMs: 50, maxMs: 2_000, multiplier: 2, jitter: 0.5 });

/** Retry policy of a bridge unless its options say otherwise. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 2, backoff: DEFAULT_BACKOFF });

/**
 * How long to wait before retry number `retry` (0-based) after `error`, or
 * undefined when the error must not be retried. Retried: UNAVAILABLE (nothing
 * was processed, or the host's idempotency replays the outcome),
 * RateLimitExceeded (waiting at least what the host asked), and an attempt the
 * caller's own `attemptTimeoutMs` cut short.
 */
export function retryDelayMs(
  error: ToolBridgeError,
  retry: number,
  backoff: BackoffOptions | undefined,
  attemptTimedOut: boolean,
): number | undefined {
  if (error instanceof RateLimitedError) return Math.max(error.retryAfterMs, backoffMs(retry, backoff));
  const retryable =
    error.errorType === "Unavailable" ||
    (attemptTimedOut && error instanceof ToolCommunicationError && error.code === "DEADLINE_EXCEEDED");
  return retryable ? backoffMs(retry, backoff) : undefined;
}

/** The delay before retry number `retry` under `policy`, or undefined when the call must fail now. */
export function nextRetryDelay(
  error: ToolBridgeError,
  retry: number,
  policy: RetryPolicy | false,
  attemptTimedOut: boolean,
): number | undefined {
  if (policy === false || retry >= policy.maxRetries) return undefined;
  return retryDelayMs(error, retry, policy.backoff, attemptTimedOut);
}

/** Jittered exponential backoff: the top `jitter` fraction of each delay is random. */
export function backoffMs(retry: number, backoff: BackoffOptions | undefined): number {
  const initial = backoff?.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const max = backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const multiplier = backoff?.multiplier ?? DEFAULT_BACKOFF.multiplier;
  const jitter = Math.min(1, Math.max(0, backoff?.jitter ?? DEFAULT_BACKOFF.jitter));
  const ceiling = Math.min(max, initial * multiplier ** retry);
  return ceiling * (1 - jitter * Math.random());
}

/** Resolves after `ms`, or rejects with `onAbort()` as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}
