export { AuditLog, type AuditOptions } from "./audit-log.js";
export { type AuditRateLimit, DEFAULT_AUDIT_RATE_LIMIT } from "./audit-throttle.js";
export { type Authenticator, anyOf, bearerTokens, clientCertificates, unauthenticated } from "./authenticator.js";
export { DEFAULT_MAX_CONNECTIONS } from "./connection-limit.js";
export { grpcCredentials, httpCredentials, type RequestCredentials } from "./credentials.js";
export {
  createHostSecurity,
  type HostAuthOptions,
  type HostSecurity,
  type HostSecurityOptions,
} from "./host-security.js";
export { methodName, RequestGuard, sessionOf } from "./request-guard.js";
export { GRANTS_METADATA_KEY, grantsOf, SessionAccess } from "./session-access.js";
export { DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, PrincipalSessionQuota } from "./session-quota.js";
export { grpcPeerCommonName, type HostTlsOptions, httpPeerCommonName } from "./tls.js";
export { DEFAULT_MAX_WORKER_STREAMS } from "./worker-stream-cap.js";
