import type { ServerOptions as HttpsServerOptions } from "node:https";
import type { handleBidiStreamingCall, ServerCredentials } from "@grpc/grpc-js";
import { toGrpcStatus } from "../grpc/status.js";
import type { ToolRegistry } from "../registry/registry.js";
import type { SessionStore } from "../store/types.js";
import { AuditLog, type AuditOptions } from "./audit-log.js";
import { type Authenticator, anyOf, bearerTokens, clientCertificates, presentedBearer } from "./authenticator.js";
import { grpcCredentials } from "./credentials.js";
import { RequestGuard } from "./request-guard.js";
import { SessionAccess } from "./session-access.js";
import { DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, PrincipalSessionQuota } from "./session-quota.js";
import { grpcPeerCommonName, grpcServerCredentials, type HostTlsOptions, httpsServerOptions } from "./tls.js";

export interface HostAuthOptions {
  /** Bearer token → principal. Tokens must be at least 16 characters. */
  tokens?: Readonly<Record<string, string>>;
  /** With mTLS: the client certificate's common name is the principal (tried after tokens). */
  clientCertificates?: boolean;
  /** Any other scheme; tried after tokens and certificates. */
  authenticator?: Authenticator;
  /** Principals that may use every session. */
  admins?: readonly string[];
  /** Live sessions one principal may hold on this host (1,000; 0 = no limit). */
  maxSessionsPerPrincipal?: number;
}

/** The security part of HostOptions. */
export interface HostSecurityOptions {
  tls?: HostTlsOptions;
  auth?: HostAuthOptions;
  audit?: AuditOptions;
}

/** What createHost wires in: credentials for the gRPC port, HTTPS options for the gateway, the guard. */
export interface HostSecurity {
  readonly grpcCredentials: ServerCredentials;
  readonly https: HttpsServerOptions | undefined;
  /** Present when auth or audit is configured; transports call it for every request. */
  readonly guard: RequestGuard | undefined;
  readonly audit: AuditLog | undefined;
  /** With auth: the cap on sessions per principal, for BridgeCore. */
  readonly sessionQuota: PrincipalSessionQuota | undefined;
  /**
   * ConnectWorker behind authentication (workers are callers too). A worker the
   * host started itself presents its one-time supervisor token instead
   * (`isSupervisedToken`); it is part of the host and needs no principal.
   */
  guardWorkers(
    handler: handleBidiStreamingCall<unknown, unknown>,
    isSupervisedToken?: (token: string) => boolean,
  ): handleBidiStreamingCall<unknown, unknown>;
  /**
   * A worker registering tools into a session: its principal must be allowed to
   * reach that session, as for any client (PermissionDenied, audited).
   */
  authorizeWorkerSession(call: object, sessionId: string): Promise<void>;
  close(): void;
}

export function createHostSecurity(
  options: HostSecurityOptions,
  deps: { store: SessionStore; registry: ToolRegistry; debug: boolean },
): HostSecurity {
  const authenticator = authenticatorOf(options.auth);
  const audit = options.audit ? AuditLog.create(options.audit) : undefined;
  audit?.watch(deps.store, deps.registry);
  const access = authenticator ? new SessionAccess(deps.store, new Set(options.auth?.admins ?? [])) : undefined;
  const sessionQuota = authenticator
    ? new PrincipalSessionQuota(options.auth?.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, deps.store)
    : undefined;
  // The principal each admitted ConnectWorker stream authenticated as.
  const workerPrincipals = new WeakMap<object, string>();
  const guard =
    authenticator || audit
      ? new RequestGuard({
          ...(authenticator ? { authenticator } : {}),
          ...(access ? { access } : {}),
          ...(audit ? { audit } : {}),
        })
      : undefined;
  return {
    grpcCredentials: grpcServerCredentials(options.tls),
    https: options.tls ? httpsServerOptions(options.tls) : undefined,
    guard,
    audit,
    sessionQuota,
    guardWorkers(handler, isSupervisedToken) {
      if (!guard) return handler;
      return (call) => {
        const credentials = grpcCredentials(call.metadata, grpcPeerCommonName(call), call);
        const token = presentedBearer(credentials);
        if (token !== undefined && isSupervisedToken?.(token)) {
          handler(call);
          return;
        }
        guard.admit("ConnectWorker", undefined, credentials).then(
          (principal) => {
            if (principal !== undefined) workerPrincipals.set(call, principal);
            handler(call);
          },
          (error: unknown) => call.emit("error", toGrpcStatus(error, deps.debug)),
        );
      };
    },
    authorizeWorkerSession: async (call, sessionId) =>
      guard?.authorize("RegisterWorkerTools", workerPrincipals.get(call), sessionId, "grpc"),
    close: () => {
      sessionQuota?.close();
      audit?.close();
    },
  };
}

function authenticatorOf(auth: HostAuthOptions | undefined): Authenticator | undefined {
  if (!auth) return undefined;
  const chain: Authenticator[] = [];
  if (auth.tokens && Object.keys(auth.tokens).length > 0) chain.push(bearerTokens(auth.tokens));
  if (auth.clientCertificates) chain.push(clientCertificates());
  if (auth.authenticator) chain.push(auth.authenticator);
  if (chain.length === 0) throw new TypeError("auth needs tokens, clientCertificates or an authenticator");
  return chain.length === 1 ? chain[0] : anyOf(chain);
}
