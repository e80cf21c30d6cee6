import { setTimeout as delay } from "node:timers/promises";
import { TestkitError } from "./errors.js";

export interface WaitForOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Default 10. */
  readonly intervalMs?: number;
  /** Describes what was awaited, for the timeout error. */
  readonly message?: string | (() => string);
}

/**
 * Polls `predicate` until it returns a truthy value (which is returned) or the time is up.
 * A predicate that throws counts as "not yet"; its last error becomes the timeout's cause.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 10, message }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const what = typeof message === "function" ? message() : (message ?? "condition");
      throw new TestkitError(
        "WAIT_TIMEOUT",
        `timed out after ${timeoutMs} ms waiting for ${what}`,
        { timeoutMs },
        {
          cause: lastError,
        },
      );
    }
    await delay(intervalMs);
  }
}
