import { createHash, timingSafeEqual } from "node:crypto";
import { ToolBridgeError } from "@toolbridge/protocol";
import type { RequestCredentials } from "./credentials.js";

/**
 * Decides who is calling. Returns the principal (a stable name used as session
 * owner and in the audit log) or throws ToolBridgeError("Unauthenticated").
 */
export interface Authenticator {
  authenticate(credentials: RequestCredentials): string | Promise<string>;
}

export function unauthenticated(message: string): ToolBridgeError {
  return new ToolBridgeError("Unauthenticated", message);
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * `authorization: Bearer <token>` against a fixed table token → principal.
 * Tokens are compared as SHA-256 digests with timingSafeEqual, so neither the
 * length nor a prefix of a valid token leaks through response time.
 */
export function bearerTokens(tokens: Readonly<Record<string, string>>): Authenticator {
  const table = Object.entries(tokens).map(([token, principal]) => {
    if (token.length < 16) throw new TypeError("bearer tokens must be at least 16 characters long");
    if (principal === "") throw new TypeError("a bearer token needs a non-empty principal");
    return { digest: digest(token), principal };
  });
  return {
    authenticate(credentials) {
      if (credentials.header("authorization") === undefined)
        throw unauthenticated("missing credentials: send authorization: Bearer <token>");
      const token = presentedBearer(credentials);
      if (token === undefined) throw unauthenticated("malformed authorization header: expected Bearer <token>");
      const presented = digest(token);
      let principal: string | undefined;
      // Every entry is compared (no early exit), so the time taken does not depend on which one matched.
      for (const entry of table) if (timingSafeEqual(entry.digest, presented)) principal = entry.principal;
      if (principal === undefined) throw unauthenticated("invalid bearer token");
      return principal;
    },
  };
}

/** The token of an `authorization: Bearer <token>` header, if the request sent a well-formed one. */
export function presentedBearer(credentials: RequestCredentials): string | undefined {
  const header = credentials.header("authorization");
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The verified client certificate's common name is the principal (mTLS only). */
export function clientCertificates(): Authenticator {
  return {
    authenticate(credentials) {
      if (!credentials.peerCommonName) throw unauthenticated("no verified client certificate");
      return credentials.peerCommonName;
    },
  };
}

/** Accepts whatever the first authenticator that succeeds accepts. */
export function anyOf(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(credentials) {
      let last: unknown = unauthenticated("no authenticator configured");
      for (const authenticator of authenticators) {
        try {
          return await authenticator.authenticate(credentials);
        } catch (error) {
          last = error;
        }
      }
      throw last;
    },
  };
}
