import { ToolBridgeError } from "@toolbridge/protocol";
import type { SessionState, SessionStore } from "../store/types.js";

/**
 * InitializeSession metadata key listing other principals (comma-separated)
 * that may use the session besides its owner. Set once, at creation, by the owner.
 */
export const GRANTS_METADATA_KEY = "toolbridge.grants";

/** Principals the owner named in GRANTS_METADATA_KEY. */
export function grantsOf(session: SessionState): string[] {
  const raw = session.metadata[GRANTS_METADATA_KEY] ?? "";
  return raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/**
 * A session belongs to the principal that created it. Others reach it only if
 * the owner granted them at creation, or if they are an admin. A session
 * created without a principal (in-process, or before auth was on) is reachable
 * by admins only.
 */
export class SessionAccess {
  constructor(
    private readonly store: SessionStore,
    private readonly admins: ReadonlySet<string>,
  ) {}

  isAdmin(principal: string): boolean {
    return this.admins.has(principal);
  }

  /** PermissionDenied unless `principal` may use `sessionId`; an absent session is left to the service (SessionNotFound). */
  async check(principal: string, sessionId: string): Promise<void> {
    if (sessionId === "" || this.admins.has(principal)) return;
    let session: SessionState;
    try {
      session = await this.store.getSession(sessionId);
    } catch {
      return;
    }
    if (session.owner !== "" && session.owner === principal) return;
    if (grantsOf(session).includes(principal)) return;
    // Says neither who owns it nor what it holds.
    throw new ToolBridgeError(
      "PermissionDenied",
      `permission denied: session ${sessionId} belongs to another principal`,
      {
        details: { session_id: sessionId },
      },
    );
  }
}
