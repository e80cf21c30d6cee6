import { type Logger, pino } from "pino";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * The host's pino logger: JSON lines on stdout. Call logs carry request_id,
 * session and tool, never argument or result payloads.
 */
export function createLogger(level: LogLevel = "info"): Logger {
  return pino({ level, base: { service: "toolbridge-host" } });
}
