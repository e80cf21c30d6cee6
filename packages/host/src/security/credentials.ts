import type { IncomingHttpHeaders } from "node:http";
import type { Metadata } from "@grpc/grpc-js";

/**
 * What an authenticator sees of a request, the same for gRPC metadata and HTTP
 * headers (both lower-case their keys), plus the transport's own identity.
 */
export interface RequestCredentials {
  readonly transport: "grpc" | "http";
  /** First value of a header / metadata key (lower case), if any. */
  header(name: string): string | undefined;
  /** Subject common name of a verified client certificate (mTLS), if any. */
  readonly peerCommonName?: string;
  /** The caller's IP address, without port; a function so only a refusal (audited by source) pays for it. */
  remoteAddress?(): string | undefined;
}

export function grpcCredentials(
  metadata: Metadata,
  peerCommonName?: string,
  peer?: { getPeer(): string },
): RequestCredentials {
  return {
    transport: "grpc",
    header(name) {
      const value = metadata.get(name)[0];
      return typeof value === "string" ? value : undefined;
    },
    ...(peerCommonName === undefined ? {} : { peerCommonName }),
    ...(peer ? { remoteAddress: () => addressOfPeer(peer.getPeer()) } : {}),
  };
}

export function httpCredentials(
  headers: IncomingHttpHeaders,
  peerCommonName?: string,
  socket?: { remoteAddress?: string | undefined },
): RequestCredentials {
  return {
    transport: "http",
    header(name) {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    ...(peerCommonName === undefined ? {} : { peerCommonName }),
    ...(socket ? { remoteAddress: () => socket.remoteAddress } : {}),
  };
}

/** "10.0.0.7" from grpc-js's "10.0.0.7:51234" ("::1" from "::1:51234"); the port changes per connection. */
function addressOfPeer(peer: string): string {
  const colon = peer.lastIndexOf(":");
  return colon > 0 && /^\d+$/.test(peer.slice(colon + 1)) ? peer.slice(0, colon) : peer;
}
