import type { CallScope } from "./call-scope.js";
import { type Semaphore, TokenBucket } from "./limits.js";

/**
 * What this host process keeps for a session while it lives, besides what the
 * store holds: its running calls (so ending the session can stop them), its
 * concurrency limit and its rate bucket.
 */
export interface SessionRuntime {
  readonly calls: Set<CallScope>;
  readonly semaphore: Semaphore | undefined;
  readonly bucket: TokenBucket | undefined;
  /** The host's flood guard for the session, always counted in this process (HostOptions.sessionRateCeiling). */
  readonly ceiling: TokenBucket | undefined;
  readonly defaultTimeoutMs: number;
}

/** Per-session rate limit: a token bucket of `burst` refilled at `perMinute`. */
export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
}

/**
 * Calls per session a host takes unless told otherwise: 20,000/s sustained after a burst of 20,000.
 * Far above what one session of a real client sends (a benchmark reaches ~7,000/s on two cores), it
 * only stops a runaway caller from flooding the host.
 */
export const DEFAULT_SESSION_RATE_CEILING: RateLimitOptions = { perMinute: 1_200_000, burst: 20_000 };

export function rateBucket(options: RateLimitOptions | undefined): TokenBucket | undefined {
  if (!options || options.perMinute <= 0) return undefined;
  return new TokenBucket(options.perMinute, options.burst ?? options.perMinute);
}
