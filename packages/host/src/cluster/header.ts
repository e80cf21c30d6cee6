/**
 * gRPC metadata key a host sets on a call it forwards to another host: a mark
 * signed with the cluster secret, bound to that call, carrying the caller's
 * principal (format and checks: forwarded-mark.ts). Calls with a mark that does
 * not verify are refused before any service code runs.
 */
export const FORWARDED_BY_HEADER = "x-toolbridge-forwarded-by";
