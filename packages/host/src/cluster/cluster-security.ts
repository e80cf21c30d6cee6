import type { ClusterOptions } from "./cluster.js";
import { configuredSecrets, MIN_CLUSTER_SECRET_LENGTH } from "./forwarded-mark.js";

/**
 * Checked before a host with a Redis store starts serving: a host that has
 * `tls` or `auth` must not forward calls signed only with the secret every
 * Redis client can read, so it needs `cluster.secret` (or `cluster: false`).
 * Throws TypeError naming the fix.
 */
export function checkClusterSecurity(options: {
  tls?: unknown;
  auth?: unknown;
  cluster?: ClusterOptions | false;
}): void {
  if (options.cluster === false) return;
  if (configuredSecrets(options.cluster?.secret)) return;
  if (options.tls === undefined && options.auth === undefined) return;
  throw new TypeError(
    `refusing to start: this host has ${options.tls ? "tls" : "auth"} and shares a Redis store, so it forwards ` +
      `tool calls to other hosts, but no cluster secret authenticates them. Set cluster.secret (CLI ` +
      `--cluster-secret or TOOLBRIDGE_CLUSTER_SECRET), the same random string of at least ` +
      `${MIN_CLUSTER_SECRET_LENGTH} characters on every host, or turn forwarding off with cluster: false.`,
  );
}
