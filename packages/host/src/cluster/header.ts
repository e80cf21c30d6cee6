/** gRPC metadata key a host sets on a call it forwards to another host: the forwarding host's id. */
export const FORWARDED_BY_HEADER = "x-toolbridge-forwarded-by";
