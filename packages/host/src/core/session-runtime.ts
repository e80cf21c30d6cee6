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
  readonly defaultTimeoutMs: number;
}

/** Per-session rate limit: a token bucket of `burst` refilled at `perMinute`. */
export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
}

export function rateBucket(options: RateLimitOptions | undefined): TokenBucket | undefined {
  if (!options || options.perMinute <= 0) return undefined;
  return new TokenBucket(options.perMinute, options.burst ?? options.perMinute);
}
