import type { ServerOptions as HttpsServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { BridgeCore } from "../core/bridge-core.js";
import type { HostMetrics } from "../observability/metrics.js";
import type { ConnectionLimit } from "../security/connection-limit.js";
import { installHttpGuard } from "../security/http-guard.js";
import type { RequestGuard } from "../security/request-guard.js";
import { openApiRoute } from "./openapi.js";
import {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problem,
  problemFromError,
  retryAfterSeconds,
} from "./problem.js";
import { requestLimitedCore } from "./request-limited-core.js";
import type { GatewayDeps, GatewayRoute } from "./route.js";
import { opsRoutes } from "./routes/ops.js";
import { sessionRoutes } from "./routes/sessions.js";
import { streamRoutes } from "./routes/stream.js";
import { toolRoutes } from "./routes/tools.js";
import { variableRoutes } from "./routes/variables.js";

export interface GatewayOptions {
  core: BridgeCore;
  metrics: HostMetrics;
  logger: Logger;
  /** Largest request body accepted (the host's max message size); larger ones get 413. */
  maxMessageBytes: number;
  /** Published in /openapi.json. */
  version: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port (0 picks a free one). */
  port?: number;
  /** Serve HTTPS (the host's `tls` certificates). */
  https?: HttpsServerOptions;
  /** Authentication, session ownership and audit (packages/host/src/security). */
  guard?: RequestGuard;
  /** The cap on concurrent connections (HostOptions.maxConnections). */
  connections?: ConnectionLimit;
}

export interface Gateway {
  readonly port: number;
  /** "http://host:port", or "https://host:port" when the gateway serves TLS. */
  readonly url: string;
  close(): Promise<void>;
}

/** Every route of the gateway, in one table (fastify and /openapi.json both read it). */
export function gatewayRoutes(deps: GatewayDeps): GatewayRoute[] {
  const routes: GatewayRoute[] = [
    ...sessionRoutes(deps),
    ...toolRoutes(deps),
    ...streamRoutes(deps),
    ...variableRoutes(deps),
    ...opsRoutes(deps),
  ];
  routes.push(openApiRoute(deps, () => routes));
  return routes;
}

/**
 * The HTTP/JSON gateway: a fastify server in the host's process that turns each
 * request into the same BridgeCore call the gRPC adapter makes.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger.child({ component: "http-gateway" });
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    bodyLimit: options.maxMessageBytes,
    // No per-request logging (it would cost more than the request under load); failures are logged below.
    logger: false,
    forceCloseConnections: true,
    // Query strings need type coercion ("limit=10"); it also makes a body's scalar fields lenient
    // (1 for a string field reads as "1"). Values (args, kwargs, variable values) carry no type and are never coerced.
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: "array", useDefaults: true } },
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const p = problemOf(error, request.url, options.maxMessageBytes);
    if (p.error_type === "InternalError") logger.error({ err: error, url: request.url }, "gateway request failed");
    sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) => {
    sendProblem(
      reply,
      problem(
        { errorType: "InvalidArgument", message: `no route ${request.method} ${request.url}`, status: 404 },
        request.url,
      ),
    );
  });
  if (options.guard) installHttpGuard(app as unknown as FastifyInstance, options.guard);
  const deps: GatewayDeps = {
    core: requestLimitedCore(options.core),
    metrics: options.metrics,
    version: options.version,
  };
  for (const route of gatewayRoutes(deps)) {
    app.route({ method: route.method, url: route.url, schema: route.schema, handler: route.handler });
  }
  const host = options.host ?? "127.0.0.1";
  options.connections?.attach(app.server);
  await app.listen({ host, port: options.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    port,
    url: `${options.https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () => app.close(),
  };
}

function sendProblem(reply: FastifyReply, p: Problem): void {
  const seconds = retryAfterSeconds(p);
  if (seconds !== undefined) reply.header("retry-after", String(seconds));
  reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(p);
}

/** Every failure as a problem: handler problems, service errors, fastify's own (validation, size, parsing). */
function problemOf(error: FastifyError, instance: string, bodyLimit: number): Problem {
  if (error instanceof HttpProblem) return { ...error.problem, instance };
  if (error.validation) {
    const where = error.validationContext ?? "body";
    const violations = error.validation.map((issue) => ({
      field: fieldOf(where, issue.instancePath, issue.params as Record<string, unknown>),
      description: issue.message ?? issue.keyword,
    }));
    const list = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
    return problem(
      { errorType: "InvalidArgument", message: `invalid request: ${list}`, fieldViolations: violations },
      instance,
    );
  }
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return problem(
      {
        errorType: "MessageTooLarge",
        message: `message too large: the request body is over the ${bodyLimit}-byte limit`,
        details: { limit: String(bodyLimit) },
      },
      instance,
    );
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    return problem({ errorType: "InvalidArgument", message: error.message, status: error.statusCode }, instance);
  }
  return problemFromError(error, instance);
}

/** ajv's "/requests/0/tool_id" as "requests[0].tool_id"; query and path fields get a prefix. */
function fieldOf(where: string, instancePath: string, params: Record<string, unknown>): string {
  const parts = instancePath.split("/").filter((p) => p !== "");
  const named = params.missingProperty ?? params.additionalProperty;
  if (typeof named === "string") parts.push(named);
  let out = where === "body" ? "" : where === "querystring" ? "query" : where;
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === "" ? part : `.${part}`;
  return out || where;
}
