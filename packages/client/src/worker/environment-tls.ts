import { ToolBridgeError } from "@toolbridge/protocol";
import type { TlsOptions } from "../channel.js";

/** PEM of the CA that signed a TLS host's certificate (the host sets it for workers it starts), when `tls` is not given. */
export const WORKER_HOST_CA_ENV = "TOOLBRIDGE_HOST_CA";
/** PEM client certificate and its key for a host with mutual TLS (the host sets them from its workerTls). */
export const WORKER_CLIENT_CERT_ENV = "TOOLBRIDGE_CLIENT_CERT";
export const WORKER_CLIENT_KEY_ENV = "TOOLBRIDGE_CLIENT_KEY";

/**
 * TLS of a worker that was not given `tls`, from the variables a host sets for the
 * processes it starts: trust TOOLBRIDGE_HOST_CA, present TOOLBRIDGE_CLIENT_CERT /
 * TOOLBRIDGE_CLIENT_KEY. Undefined (plaintext) when none is set; a certificate
 * without its key, or the reverse, is InvalidArgument rather than a handshake the
 * host refuses later.
 */
export function tlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): TlsOptions | undefined {
  const ca = env[WORKER_HOST_CA_ENV] || undefined;
  const cert = env[WORKER_CLIENT_CERT_ENV] || undefined;
  const key = env[WORKER_CLIENT_KEY_ENV] || undefined;
  if ((cert === undefined) !== (key === undefined)) {
    const [set, missing] = cert
      ? [WORKER_CLIENT_CERT_ENV, WORKER_CLIENT_KEY_ENV]
      : [WORKER_CLIENT_KEY_ENV, WORKER_CLIENT_CERT_ENV];
    throw new ToolBridgeError(
      "InvalidArgument",
      `${set} is set but ${missing} is not: a client certificate needs both`,
    );
  }
  if (ca === undefined && cert === undefined) return undefined;
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined || key === undefined ? {} : { cert, key }) };
}
