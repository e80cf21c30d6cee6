import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from "@grpc/grpc-js";
import type { ToolBridgeError } from "@toolbridge/protocol";
import type { ForwardedBy } from "../cluster/forwarded-mark.js";
import { OversizedRequest, UndecodableRequest } from "../grpc/message-limit.js";
import { toGrpcStatus } from "../grpc/status.js";
import { grpcCredentials } from "./credentials.js";
import { methodName, type RequestGuard, sessionOf } from "./request-guard.js";
import { requestLimitViolation } from "./request-limits.js";
import { grpcPeerCommonName } from "./tls.js";

/**
 * Why a request is refused before any service code runs: over the message size,
 * not decodable, or over a field limit (REQUEST_LIMITS). Undefined: let it in.
 */
export function refusedRequest(request: unknown): ToolBridgeError | undefined {
  if (request instanceof OversizedRequest || request instanceof UndecodableRequest) return request.toError();
  return requestLimitViolation(request);
}

type GuardedCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/**
 * Authenticates a gRPC call and checks the session it names; resolves to the
 * principal. A call another host forwarded (its mark verified) is the caller
 * that host authenticated, and passes the same session check here.
 */
export function admitted(guard: RequestGuard, call: GuardedCall, forwarded?: ForwardedBy): Promise<string | undefined> {
  const method = methodName(call.getPath());
  const sessionId = sessionOf(method, call.request);
  if (forwarded) return guard.admitForwarded(method, sessionId, forwarded.principal, "grpc");
  return guard.admit(method, sessionId, grpcCredentials(call.metadata, grpcPeerCommonName(call), call));
}

/** Opens a server stream through the guard; a refusal (auth, access, a limit such as watchers) is audited. */
export async function guardedOpen<T>(
  guard: RequestGuard,
  call: ServerWritableStream<unknown, unknown>,
  open: (principal: string | undefined) => T | Promise<T>,
  forwarded?: ForwardedBy,
): Promise<T> {
  let principal: string | undefined;
  try {
    principal = await admitted(guard, call, forwarded);
    return await open(principal);
  } catch (error) {
    guard.settled(methodName(call.getPath()), principal, "grpc", { error });
    throw error;
  }
}

/** A unary call through the guard: admit, run with the principal, audit the outcome, answer. */
export function guardedUnary<Res>(
  guard: RequestGuard,
  call: ServerUnaryCall<unknown, Res>,
  run: (principal: string | undefined) => Promise<Res>,
  callback: sendUnaryData<Res>,
  debug: boolean,
  forwarded?: ForwardedBy,
): void {
  const method = methodName(call.getPath());
  let principal: string | undefined;
  admitted(guard, call, forwarded)
    .then((admittedAs) => {
      principal = admittedAs;
      return run(admittedAs);
    })
    .then(
      (response) => {
        guard.settled(method, principal, "grpc", createdSession(method, response));
        callback(null, response);
      },
      (error: unknown) => {
        guard.settled(method, principal, "grpc", { error });
        callback(toGrpcStatus(error, debug));
      },
    );
}

function createdSession(method: string, response: unknown): { createdSession?: string } {
  if (method !== "InitializeSession") return {};
  const id = (response as { session?: { sessionId?: string } }).session?.sessionId;
  return id ? { createdSession: id } : {};
}
