import { ToolBridgeError } from "@toolbridge/protocol";
import type { AuditLog } from "./audit-log.js";
import type { Authenticator } from "./authenticator.js";
import type { RequestCredentials } from "./credentials.js";
import type { SessionAccess } from "./session-access.js";

/** Error types that mean a limit of the host was hit (size, count, rate, watchers, queue). */
const LIMIT_TYPES = new Set(["RateLimitExceeded", "ResourceExhausted", "MessageTooLarge"]);

export interface RequestGuardOptions {
  authenticator?: Authenticator;
  access?: SessionAccess;
  audit?: AuditLog;
}

/**
 * The one gate every gRPC call and gateway request passes: authenticates the
 * caller, checks the session it names belongs to them, and reports outcomes
 * worth auditing. Transports call `admit` before the service and `settled` after.
 */
export class RequestGuard {
  constructor(private readonly options: RequestGuardOptions) {}

  /**
   * The caller's principal (undefined when authentication is off). Throws
   * Unauthenticated or PermissionDenied; both are audited.
   */
  async admit(
    method: string,
    sessionId: string | undefined,
    credentials: RequestCredentials,
  ): Promise<string | undefined> {
    const principal = await this.authenticate(method, credentials);
    await this.authorize(method, principal, sessionId, credentials.transport);
    return principal;
  }

  /** Who is calling; Unauthenticated (audited) when the credentials do not say. */
  async authenticate(method: string, credentials: RequestCredentials): Promise<string | undefined> {
    const { authenticator, audit } = this.options;
    if (!authenticator) return undefined;
    try {
      return await authenticator.authenticate(credentials);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      audit?.authFailed(
        credentials.transport,
        method,
        reason,
        credentials.peerCommonName,
        credentials.remoteAddress?.(),
      );
      throw error instanceof ToolBridgeError && error.code === "Unauthenticated"
        ? error
        : new ToolBridgeError("Unauthenticated", "authentication failed");
    }
  }

  /**
   * A call another host of the cluster forwarded, its mark verified: `principal`
   * is the caller that host authenticated. Unauthenticated (audited) when this
   * host needs a principal and the mark carries none; then the same session
   * check as a direct call.
   */
  async admitForwarded(
    method: string,
    sessionId: string | undefined,
    principal: string | undefined,
    transport: string,
  ): Promise<string | undefined> {
    if (!this.options.authenticator) return undefined;
    if (principal === undefined) {
      const reason = "forwarded call carries no caller principal (the forwarding host has no auth)";
      this.options.audit?.authFailed(transport, method, reason);
      throw new ToolBridgeError("Unauthenticated", reason);
    }
    await this.authorize(method, principal, sessionId, transport);
    return principal;
  }

  /** A call marked as forwarded whose mark did not verify: audited as a failed authentication. */
  forwardRefused(method: string, reason: string, transport: string): void {
    this.options.audit?.authFailed(transport, method, `forwarded-call mark refused: ${reason}`);
  }

  /** PermissionDenied (audited) unless the principal may use the session. */
  async authorize(
    method: string,
    principal: string | undefined,
    sessionId: string | undefined,
    transport: string,
  ): Promise<void> {
    const { access, audit } = this.options;
    if (!access || principal === undefined || !sessionId) return;
    try {
      await access.check(principal, sessionId);
    } catch (error) {
      audit?.accessDenied(principal, sessionId, method, transport);
      throw error;
    }
  }

  /** After the service answered: audits session creation and limit hits. */
  settled(
    method: string,
    principal: string | undefined,
    transport: string,
    outcome: { createdSession?: string; error?: unknown },
  ): void {
    const audit = this.options.audit;
    if (!audit) return;
    if (outcome.createdSession !== undefined) audit.sessionCreated(outcome.createdSession, principal, transport);
    const error = outcome.error;
    if (error instanceof ToolBridgeError && LIMIT_TYPES.has(error.code)) {
      audit.limitHit(error.code, error.message, method, principal, transport);
    }
  }
}

/** "ExecuteTool" from "/toolbridge.v1.BridgeService/ExecuteTool". */
export function methodName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The session a request names, if it names one (InitializeSession creates rather than uses one). */
export function sessionOf(method: string, request: unknown): string | undefined {
  if (method === "InitializeSession" || typeof request !== "object" || request === null) return undefined;
  const id = (request as { sessionId?: unknown }).sessionId;
  return typeof id === "string" && id !== "" ? id : undefined;
}
