import { type Logger, pino } from "pino";

/**
 * The host's logger for CLI commands: JSON lines on stderr, because stdout
 * carries what scripts read (the listening line, results, the demo's steps).
 */
export function stderrLogger(level: "info" | "warn" | "debug"): Logger {
  return pino({ level, base: { service: "toolbridge-host" } }, pino.destination(2));
}
