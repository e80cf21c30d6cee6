/**
 * gRPC metadata key a host sets on a call it forwards to another host:
 * "<forwarding host id> <cluster secret>" (the secret, kept in Redis, shows the
 * mark comes from a host of the cluster and not from a client).
 */
export const FORWARDED_BY_HEADER = "x-toolbridge-forwarded-by";
