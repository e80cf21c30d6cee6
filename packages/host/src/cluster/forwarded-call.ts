import type { Metadata } from "@grpc/grpc-js";
import { ToolBridgeError } from "@toolbridge/protocol";
import type { ForwardedBy, ForwardedCall } from "./forwarded-mark.js";
import { FORWARDED_BY_HEADER } from "./header.js";

/** Checks a forwarded-call mark against the call it came with (Cluster.verifyForwarded). */
export type ForwardedVerifier = (mark: string, call: ForwardedCall) => ForwardedBy;

/** A gRPC call as the transport sees it before the service. */
interface MarkedCall {
  readonly metadata: Metadata;
  readonly request: unknown;
  getPath(): string;
}

/**
 * Who forwarded this gRPC call, if it is marked as forwarded. A mark that does
 * not verify, or any mark on a host that is in no cluster, is Unauthenticated:
 * a client must not pass its calls off as forwarded (they skip deduplication,
 * rate limits and the caller's own authentication).
 */
export function forwardedByOf(call: MarkedCall, verify: ForwardedVerifier | undefined): ForwardedBy | undefined {
  const mark = call.metadata.get(FORWARDED_BY_HEADER)[0];
  if (mark === undefined) return undefined;
  if (!verify) {
    throw new ToolBridgeError("Unauthenticated", "call marked as forwarded, but this host is in no cluster", {
      details: { reason: "no_cluster" },
    });
  }
  return verify(typeof mark === "string" ? mark : mark.toString("utf8"), forwardedCallOf(call));
}

function forwardedCallOf(call: MarkedCall): ForwardedCall {
  const path = call.getPath();
  const request = (call.request ?? {}) as { sessionId?: unknown; toolId?: unknown; requestId?: unknown };
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    method: path.slice(path.lastIndexOf("/") + 1),
    sessionId: text(request.sessionId),
    toolId: text(request.toolId),
    requestId: text(request.requestId),
  };
}

/**
 * The verifier of a cluster joined after the port is bound (it needs the bound
 * address): until it has joined, marked calls are refused as Unavailable.
 */
export function laterJoinedVerifier(
  cluster: () => { verifyForwarded: ForwardedVerifier } | undefined,
): ForwardedVerifier {
  return (mark, call) => {
    const joined = cluster();
    if (!joined) throw new ToolBridgeError("Unavailable", "this host is still joining its cluster");
    return joined.verifyForwarded(mark, call);
  };
}
