import type { ServerOptions as HttpsServerOptions } from "node:https";
import type { handleBidiStreamingCall, ServerCredentials } from "@grpc/grpc-js";
import { toGrpcStatus } from "../grpc/status.js";
import type { ToolRegistry } from "../registry/registry.js";
import type { SessionStore } from "../store/types.js";
import { AuditLog, type AuditOptions } from "./audit-log.js";
import { type Authenticator, anyOf, bearerTokens, clientCertificates } from "./authenticator.js";
import { grpcCredentials } from "./credentials.js";
import { RequestGuard } from "./request-guard.js";
import { SessionAccess } from "./session-access.js";
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
  /** ConnectWorker behind authentication (workers are callers too). */
  guardWorkers(handler: handleBidiStreamingCall<unknown, unknown>): handleBidiStreamingCall<unknown, unknown>;
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
    guardWorkers(handler) {
      if (!guard) return handler;
      return (call) => {
        guard.admit("ConnectWorker", undefined, grpcCredentials(call.metadata, grpcPeerCommonName(call))).then(
          () => handler(call),
          (error: unknown) => call.emit("error", toGrpcStatus(error, deps.debug)),
        );
      };
    },
    close: () => audit?.close(),
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
