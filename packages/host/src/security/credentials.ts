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
}

export function grpcCredentials(metadata: Metadata, peerCommonName?: string): RequestCredentials {
  return {
    transport: "grpc",
    header(name) {
      const value = metadata.get(name)[0];
      return typeof value === "string" ? value : undefined;
    },
    ...(peerCommonName === undefined ? {} : { peerCommonName }),
  };
}

export function httpCredentials(headers: IncomingHttpHeaders, peerCommonName?: string): RequestCredentials {
  return {
    transport: "http",
    header(name) {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    ...(peerCommonName === undefined ? {} : { peerCommonName }),
  };
}
