import type { ServerOptions as HttpsServerOptions } from "node:https";
import type { TLSSocket } from "node:tls";
import { ServerCredentials } from "@grpc/grpc-js";

/** TLS of the gRPC port and the gateway (PEM). */
export interface HostTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA(s) client certificates must chain to; needed for mutual TLS. */
  ca?: string | Buffer;
  /** Mutual TLS: refuse clients without a certificate signed by `ca`. */
  requireClientCert?: boolean;
}

const buffer = (value: string | Buffer) => (typeof value === "string" ? Buffer.from(value) : value);

export function grpcServerCredentials(tls: HostTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  if (tls.requireClientCert && !tls.ca)
    throw new TypeError("tls.requireClientCert needs tls.ca to verify clients with");
  return ServerCredentials.createSsl(
    tls.ca ? buffer(tls.ca) : null,
    [{ cert_chain: buffer(tls.cert), private_key: buffer(tls.key) }],
    tls.requireClientCert ?? false,
  );
}

export function httpsServerOptions(tls: HostTlsOptions): HttpsServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca ? { ca: tls.ca } : {}),
    requestCert: tls.requireClientCert ?? false,
    rejectUnauthorized: tls.requireClientCert ?? false,
    minVersion: "TLSv1.2",
  };
}

/** Common name of the verified client certificate on an HTTPS socket. */
export function httpPeerCommonName(socket: unknown): string | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (!tls.authorized || typeof tls.getPeerCertificate !== "function") return undefined;
  const cn = tls.getPeerCertificate().subject?.CN;
  return typeof cn === "string" && cn !== "" ? cn : undefined;
}

/** Common name of the verified client certificate of a gRPC call (from grpc-js's auth context). */
export function grpcPeerCommonName(call: {
  getAuthContext?: () => { sslPeerCertificate?: { subject?: { CN?: unknown } } };
}): string | undefined {
  const cn = call.getAuthContext?.().sslPeerCertificate?.subject?.CN;
  return typeof cn === "string" && cn !== "" ? cn : undefined;
}
