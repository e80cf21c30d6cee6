import { createHmac, timingSafeEqual } from "node:crypto";
import { ToolBridgeError } from "@toolbridge/protocol";

/** The parts of a forwarded call its mark is bound to (a mark fits no other call). */
export interface ForwardedCall {
  /** "ExecuteTool" or "StreamTool": the only calls hosts forward. */
  readonly method: string;
  readonly sessionId: string;
  readonly toolId: string;
  readonly requestId: string;
}

/** What a verified mark vouches for. */
export interface ForwardedBy {
  /** The host that forwarded the call. */
  readonly hostId: string;
  /** The caller that host authenticated (undefined: it runs without authentication). */
  readonly principal: string | undefined;
}

/** Methods a host forwards; a mark on any other call is refused. */
const FORWARDED_METHODS = new Set(["ExecuteTool", "StreamTool"]);
const VERSION = "v1";
/** Shortest secret accepted: 32 characters leave no room for guessing. */
export const MIN_CLUSTER_SECRET_LENGTH = 32;

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const unb64 = (text: string) => Buffer.from(text, "base64url").toString("utf8");

/**
 * Signs and checks the FORWARDED_BY_HEADER a host puts on a call it forwards:
 * `v1.<host id>.<unix ms>.<caller principal>.<HMAC-SHA256>` (ids base64url), the
 * HMAC keyed with the cluster secret over the version, host, time, principal,
 * method, session, tool and request_id. A client cannot make one without the
 * secret, and a mark seen on one call fits no other call and expires.
 *
 * Keys: the first signs, every one verifies (rotation: add the new secret
 * second on every host, then move it first, then drop the old one).
 */
export class ForwardingKeys {
  private keys: readonly Buffer[];

  constructor(
    secrets: readonly string[],
    /** How far a mark's time may be from this host's clock (covers clock skew and transit). */
    private readonly maxSkewMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = ForwardingKeys.keysOf(secrets);
  }

  /** Replaces the keys (the cluster's shared secret changed in Redis). */
  setSecrets(secrets: readonly string[]): void {
    this.keys = ForwardingKeys.keysOf(secrets);
  }

  sign(hostId: string, call: ForwardedCall, principal: string | undefined): string {
    const key = this.keys[0];
    if (!key) throw new ToolBridgeError("Unavailable", "this host has not joined its cluster yet");
    const head = `${VERSION}.${b64(hostId)}.${this.now()}.${b64(principal ?? "")}`;
    return `${head}.${mac(key, head, call).toString("base64url")}`;
  }

  /** Who forwarded `call` and for whom; Unauthenticated (details.reason says why) when the mark does not verify. */
  verify(mark: string, call: ForwardedCall): ForwardedBy {
    if (!FORWARDED_METHODS.has(call.method)) {
      throw refused("not_forwardable", `${call.method} calls are never forwarded between hosts`);
    }
    const parts = mark.split(".");
    const [version, hostPart, timePart, principalPart, macPart] = parts;
    if (
      parts.length !== 5 ||
      version !== VERSION ||
      !hostPart ||
      !timePart ||
      principalPart === undefined ||
      !macPart
    ) {
      throw refused("malformed", "malformed forwarded-call mark");
    }
    // Shown in errors and the audit log: a forger chooses it, so it is kept short.
    const hostId = unb64(hostPart).slice(0, 128);
    const sentAt = Number(timePart);
    if (!Number.isSafeInteger(sentAt) || Math.abs(this.now() - sentAt) > this.maxSkewMs) {
      throw refused("expired", `forwarded-call mark from ${hostId} is too old or from the future`, hostId);
    }
    if (this.keys.length === 0) throw refused("no_key", "this host has not joined its cluster yet", hostId);
    const presented = Buffer.from(macPart, "base64url");
    const head = `${version}.${hostPart}.${timePart}.${principalPart}`;
    let valid = false;
    // Every key is tried (no early exit): the time taken does not say which one matched.
    for (const key of this.keys) {
      const expected = mac(key, head, call);
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) valid = true;
    }
    if (!valid) {
      throw refused("bad_signature", `forwarded-call mark claiming host ${hostId} has an invalid signature`, hostId);
    }
    const principal = unb64(principalPart);
    return { hostId, principal: principal === "" ? undefined : principal };
  }

  private static keysOf(secrets: readonly string[]): Buffer[] {
    return secrets.filter((s) => s !== "").map((s) => Buffer.from(s, "utf8"));
  }
}

/** The cluster secret(s) from options, checked (none: undefined). */
export function configuredSecrets(secret: string | readonly string[] | undefined): string[] | undefined {
  if (secret === undefined) return undefined;
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  if (secrets.length === 0) return undefined;
  for (const s of secrets) {
    if (s.length < MIN_CLUSTER_SECRET_LENGTH) {
      throw new TypeError(`cluster.secret must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters long`);
    }
  }
  return secrets;
}

/** JSON of the fields keeps them apart: no two different calls give the same bytes. */
function mac(key: Buffer, head: string, call: ForwardedCall): Buffer {
  const fields = JSON.stringify([head, call.method, call.sessionId, call.toolId, call.requestId]);
  return createHmac("sha256", key).update(fields).digest();
}

function refused(reason: string, message: string, hostId?: string): ToolBridgeError {
  return new ToolBridgeError("Unauthenticated", message, {
    details: { reason, ...(hostId === undefined ? {} : { forwarded_by: hostId }) },
  });
}
