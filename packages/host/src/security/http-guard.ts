import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { httpCredentials } from "./credentials.js";
import type { RequestGuard } from "./request-guard.js";
import { httpPeerCommonName } from "./tls.js";

/** Probes stay open so orchestrators can check liveness without credentials. */
const OPEN_ROUTES = new Set(["/healthz", "/readyz"]);

const principals = new WeakMap<IncomingMessage, string>();

/** The authenticated caller of an HTTP request (read by the gateway's CallContext). */
export function httpPrincipalOf(request: IncomingMessage | undefined): string | undefined {
  return request ? principals.get(request) : undefined;
}

const routeOf = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? request.url}`;

/**
 * Puts the guard in front of every gateway route: authentication as soon as the
 * request arrives (before its body is parsed), the session check once the path
 * parameters are known (`:id` is the session), and audit of limit hits and of
 * sessions created.
 */
export function installHttpGuard(app: FastifyInstance, guard: RequestGuard): void {
  app.addHook("onRequest", async (request) => {
    if (OPEN_ROUTES.has(request.routeOptions.url ?? "")) return;
    const credentials = httpCredentials(request.headers, httpPeerCommonName(request.raw.socket), request.raw.socket);
    const principal = await guard.authenticate(routeOf(request), credentials);
    if (principal !== undefined) principals.set(request.raw, principal);
  });
  app.addHook("preHandler", async (request) => {
    const sessionId = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof sessionId !== "string") return;
    await guard.authorize(routeOf(request), principals.get(request.raw), sessionId, "http");
  });
  app.addHook("onError", async (request, _reply, error) => {
    guard.settled(routeOf(request), principals.get(request.raw), "http", { error });
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.method !== "POST" || request.routeOptions.url !== "/api/sessions" || reply.statusCode !== 201) return;
    const location = String(reply.getHeader("location") ?? "");
    const id = decodeURIComponent(location.slice(location.lastIndexOf("/") + 1));
    guard.settled(routeOf(request), principals.get(request.raw), "http", { createdSession: id });
  });
}
