import { type ChannelCredentials, type ChannelOptions, credentials } from "@grpc/grpc-js";
import type { HostTlsOptions } from "../security/tls.js";

/** How a host connects to the other hosts of its cluster when they serve TLS. */
export interface ClusterTlsOptions {
  /** CA(s) the peers' server certificates chain to (default: the host's `tls.ca`, else the system's roots). */
  ca?: string | Buffer;
  /**
   * Client certificate and key presented to peers that require one (mutual TLS).
   * Default: the host's own `tls.cert`/`tls.key` when the host requires client
   * certificates — then that certificate must allow client authentication
   * (extendedKeyUsage clientAuth), which server-only certificates do not.
   */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name the peers' certificates are checked against instead of the host part of their advertised address. */
  serverName?: string;
}

/** Channel credentials and options of the channels to peer hosts. */
export interface PeerTransport {
  readonly credentials: ChannelCredentials;
  readonly options: ChannelOptions;
}

const buffer = (value: string | Buffer) => (typeof value === "string" ? Buffer.from(value) : value);

/**
 * TLS to peers whenever this host serves TLS (the hosts of a cluster share one
 * configuration) or cluster TLS options are given; plaintext otherwise.
 */
export function peerTransport(
  hostTls: HostTlsOptions | undefined,
  clusterTls: ClusterTlsOptions | undefined,
): PeerTransport {
  const options: ChannelOptions = { "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 };
  if (!hostTls && !clusterTls) return { credentials: credentials.createInsecure(), options };
  const ca = clusterTls?.ca ?? hostTls?.ca;
  const useOwn = clusterTls?.cert === undefined && hostTls?.requireClientCert === true;
  const cert = useOwn ? hostTls?.cert : clusterTls?.cert;
  const key = useOwn ? hostTls?.key : clusterTls?.key;
  if ((cert === undefined) !== (key === undefined))
    throw new TypeError("cluster.tls needs both cert and key, or neither");
  const serverName = clusterTls?.serverName;
  return {
    credentials: credentials.createSsl(
      ca === undefined ? null : buffer(ca),
      key === undefined ? null : buffer(key),
      cert === undefined ? null : buffer(cert),
    ),
    options: serverName
      ? { ...options, "grpc.ssl_target_name_override": serverName, "grpc.default_authority": serverName }
      : options,
  };
}
