import type { SessionAdmission } from "../core/bridge-core.js";
import { hostError } from "../errors.js";
import type { SessionStore } from "../store/types.js";

/** Live sessions one principal may hold on this host unless `auth.maxSessionsPerPrincipal` says otherwise. */
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 1_000;

/**
 * Sessions per principal: without it one authenticated caller could take every
 * session the host allows (maxSessions) and lock everyone else out. Counts the
 * sessions this host created for each principal until the store reports them
 * ended (cleanup or idle expiry, heard from any host with a shared store). A
 * creation in progress holds its place, so concurrent InitializeSessions cannot
 * overshoot. With a shared store the limit is per host.
 */
export class PrincipalSessionQuota implements SessionAdmission {
  private readonly owned = new Map<string, Set<string>>();
  private readonly ownerOf = new Map<string, string>();
  private readonly pending = new Map<string, number>();
  private readonly detach: () => void;

  constructor(
    readonly limit: number,
    store: SessionStore,
  ) {
    this.detach = store.onSessionEnded((id) => this.ended(id));
  }

  /** Holds a place for a session of `principal`, or throws ResourceExhausted; without a principal, no limit. */
  admit(principal: string | undefined): { created(sessionId: string): void; failed(): void } | undefined {
    if (principal === undefined || this.limit <= 0) return undefined;
    const held = (this.owned.get(principal)?.size ?? 0) + (this.pending.get(principal) ?? 0);
    if (held >= this.limit) {
      throw hostError("ResourceExhausted", `principal ${principal} holds ${held} sessions (limit ${this.limit})`, {
        max_sessions_per_principal: String(this.limit),
      });
    }
    this.pending.set(principal, (this.pending.get(principal) ?? 0) + 1);
    let settled = false;
    const release = () => {
      if (settled) return false;
      settled = true;
      const left = (this.pending.get(principal) ?? 1) - 1;
      if (left > 0) this.pending.set(principal, left);
      else this.pending.delete(principal);
      return true;
    };
    return {
      created: (sessionId) => {
        if (!release()) return;
        let ids = this.owned.get(principal);
        if (!ids) {
          ids = new Set();
          this.owned.set(principal, ids);
        }
        ids.add(sessionId);
        this.ownerOf.set(sessionId, principal);
      },
      failed: () => {
        release();
      },
    };
  }

  close(): void {
    this.detach();
  }

  private ended(sessionId: string): void {
    const principal = this.ownerOf.get(sessionId);
    if (principal === undefined) return;
    this.ownerOf.delete(sessionId);
    const ids = this.owned.get(principal);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.owned.delete(principal);
  }
}
