import type { Writable } from "node:stream";
import pino, { type DestinationStream, type Logger } from "pino";
import type { ToolRegistry } from "../registry/registry.js";
import type { SessionStore } from "../store/types.js";
import { type AuditRateLimit, AuditThrottle, type SuppressedSummary } from "./audit-throttle.js";

export interface AuditOptions {
  /** A file path (appended to), a file descriptor, or a stream. */
  destination: string | number | Writable | DestinationStream;
  /**
   * Caps the lines clients can cause (auth_failed, access_denied, limit_hit,
   * connection_refused): 10 per source and 100 per event each second unless set,
   * the rest counted in an `audit_suppressed` line when the second ends.
   */
  rateLimit?: AuditRateLimit;
}

/**
 * The audit trail, a pino stream of its own (separate from the operational
 * log): who created and which sessions ended, which tools were registered,
 * failed authentications, denied session access and limit hits. One JSON line
 * per event with `event` naming it. Never holds argument values or variable data.
 * Events a client can cause at will go through an AuditThrottle, so a flood of
 * them cannot flood the log.
 */
export class AuditLog {
  private readonly detach: (() => void)[] = [];
  private readonly throttle: AuditThrottle;

  constructor(
    readonly logger: Logger,
    rateLimit: AuditRateLimit = {},
  ) {
    this.throttle = new AuditThrottle(rateLimit, (summary) => this.suppressed(summary));
  }

  static create(options: AuditOptions): AuditLog {
    const { destination } = options;
    const stream =
      typeof destination === "string" || typeof destination === "number"
        ? pino.destination({ dest: destination, append: true, mkdir: typeof destination === "string", sync: true })
        : destination;
    return new AuditLog(
      pino({ base: { log: "audit" }, timestamp: pino.stdTimeFunctions.isoTime }, stream as DestinationStream),
      options.rateLimit,
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

  /** `peer`: the verified client certificate's CN; `remote`: the caller's IP address (the throttle's source). */
  authFailed(transport: string, method: string, reason: string, peer?: string, remote?: string): void {
    if (!this.throttle.admit("auth_failed", remote ?? peer ?? "")) return;
    this.event("auth_failed", { transport, method, reason, peer, remote }, "warn");
  }

  accessDenied(principal: string, sessionId: string, method: string, transport: string): void {
    if (!this.throttle.admit("access_denied", principal)) return;
    this.event("access_denied", { principal, sessionId, method, transport }, "warn");
  }

  limitHit(errorType: string, message: string, method: string, principal: string | undefined, transport: string): void {
    if (!this.throttle.admit("limit_hit", principal ?? "")) return;
    this.event("limit_hit", { errorType, message, method, principal, transport }, "warn");
  }

  /**
   * A connection refused at a listener's cap. One line per burst: the first of
   * a window is written, the rest are counted in its `audit_suppressed` summary.
   */
  connectionRefused(transport: string, maxConnections: number, remote: string | undefined): void {
    if (!this.throttle.admit("connection_refused", transport, 1)) return;
    this.event("connection_refused", { transport, maxConnections, remote }, "warn");
  }

  close(): void {
    for (const detach of this.detach.splice(0)) detach();
    this.throttle.flush();
    this.logger.flush?.();
  }

  private suppressed(summary: SuppressedSummary): void {
    this.event("audit_suppressed", { ...summary }, "warn");
  }

  private event(event: string, fields: Record<string, unknown>, level: "info" | "warn" = "info"): void {
    this.logger[level]({ event, ...fields });
  }
}
