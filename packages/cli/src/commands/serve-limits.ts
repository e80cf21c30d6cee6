import type { HostOptions } from "@toolbridge/host";
import { UsageError } from "../usage.js";

// `serve`'s limit flags → the HostOptions of the same names (docs/security.md, "Limits on what a
// client controls", lists every limit and its default). Sessions per principal is an auth option:
// serve-security.ts reads it.

type LimitOption =
  | "maxSessions"
  | "maxMessageBytes"
  | "maxVariablesPerSession"
  | "maxVariableBytesPerSession"
  | "maxConcurrentStreams"
  | "maxConnections"
  | "maxWorkerStreams";

/**
 * grpc-js takes message sizes as int32, and the host lets up to 4x maxMessageBytes reach its
 * handler (to answer MessageTooLarge itself): 256 MiB keeps that in range.
 */
const MAX_MESSAGE_BYTES_CEILING = 256 * 1024 * 1024;

const LIMIT_FLAGS = {
  "max-sessions": { option: "maxSessions", max: Number.MAX_SAFE_INTEGER },
  "max-message-bytes": { option: "maxMessageBytes", max: MAX_MESSAGE_BYTES_CEILING },
  "max-variables-per-session": { option: "maxVariablesPerSession", max: Number.MAX_SAFE_INTEGER },
  "max-variable-bytes-per-session": { option: "maxVariableBytesPerSession", max: Number.MAX_SAFE_INTEGER },
  "max-concurrent-streams": { option: "maxConcurrentStreams", max: 2 ** 31 - 1 },
  "max-connections": { option: "maxConnections", max: 2 ** 31 - 1 },
  "max-worker-streams": { option: "maxWorkerStreams", max: Number.MAX_SAFE_INTEGER },
} as const satisfies Record<string, { option: LimitOption; max: number }>;

type LimitFlag = keyof typeof LIMIT_FLAGS;

export const serveLimitsHelp = `Limits (docs/security.md lists every limit a client meets):
  --max-sessions N       live sessions (default 10000)
  --max-message-bytes N  largest message received or sent, in bytes (default 10485760; at most 268435456)
  --max-variables-per-session N
                         variables one session may hold (default 10000)
  --max-variable-bytes-per-session N
                         bytes of variables one session may hold (default 67108864)
  --max-concurrent-streams N
                         concurrent calls per client connection (default 1000; a client queues the rest)
  --max-connections N    concurrent client connections on the gRPC port, and on the gateway's
                         (default 10000 each; one more is refused at once: UNAVAILABLE)
  --max-worker-streams N workers connected at once (default 1000; one more is ResourceExhausted)`;

export const serveLimitFlags = Object.fromEntries(
  Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: "string" }]),
) as Record<LimitFlag, { type: "string" }>;

export type ServeLimitValues = Partial<Record<LimitFlag, string>>;

/** The limit options the flags set (absent flags leave the host's defaults). */
export function serveLimits(values: ServeLimitValues): Partial<Pick<HostOptions, LimitOption>> {
  const limits: Partial<Pick<HostOptions, LimitOption>> = {};
  for (const [flag, { option, max }] of Object.entries(LIMIT_FLAGS) as [LimitFlag, (typeof LIMIT_FLAGS)[LimitFlag]][]) {
    const value = values[flag];
    if (value !== undefined) limits[option] = parseCount("serve", flag, value, 1, max);
  }
  return limits;
}

/** A whole number `min`..`max` from `--flag N`. */
export function parseCount(
  command: string,
  flag: string,
  value: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number ${min}-${max}`;
    throw new UsageError(`${command}: --${flag} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}
