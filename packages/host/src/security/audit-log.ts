import type { Writable } from "node:stream";
import pino, { type DestinationStream, type Logger } from "pino";
import type { ToolRegistry } from "../registry/registry.js";
import type { SessionStore } from "../store/types.js";

export interface AuditOptions {
  /** A file path (appended to), a file descriptor, or a stream. */
  destination: string | number | Writable | DestinationStream;
}

/**
 * The audit trail, a pino stream of its own (separate from the operational
 * log): who created and which sessions ended, which tools were registered,
 * failed authentications, denied session access and limit hits. One JSON line
 * per event with `event` naming it. Never holds argument values or variable data.
 */
export class AuditLog {
  private readonly detach: (() => void)[] = [];

  constructor(readonly logger: Logger) {}

  static create(options: AuditOptions): AuditLog {
    const { destination } = options;
    const stream =
      typeof destination === "string" || typeof destination === "number"
        ? pino.destination({ dest: destination, append: true, mkdir: typeof destination === "string", sync: true })
        : destination;
    return new AuditLog(
      pino({ base: { log: "audit" }, timestamp: pino.stdTimeFunctions.isoTime }, stream as DestinationStream),
    );
  }

  /** Records session ends and tool registrations as they happen in the store and registry. */
  watch(store: SessionStore, registry: ToolRegistry): void {
    this.detach.push(store.onSessionEnded((sessionId, reason) => this.event("session_ended", { sessionId, reason })));
    this.detach.push(
      registry.onChange((change) => {
        if (change.kind === "added") {
          this.event("tool_registered", { tool: change.spec.name, sessionId: change.sessionId || undefined });
        }
      }),
    );
  }

  sessionCreated(sessionId: string, principal: string | undefined, transport: string): void {
    this.event("session_created", { sessionId, principal, transport });
  }

  authFailed(transport: string, method: string, reason: string, peer?: string): void {
    this.event("auth_failed", { transport, method, reason, peer }, "warn");
  }

  accessDenied(principal: string, sessionId: string, method: string, transport: string): void {
    this.event("access_denied", { principal, sessionId, method, transport }, "warn");
  }

  limitHit(errorType: string, message: string, method: string, principal: string | undefined, transport: string): void {
    this.event("limit_hit", { errorType, message, method, principal, transport }, "warn");
  }

  close(): void {
    for (const detach of this.detach.splice(0)) detach();
    this.logger.flush?.();
  }

  private event(event: string, fields: Record<string, unknown>, level: "info" | "warn" = "info"): void {
    this.logger[level]({ event, ...fields });
  }
}
