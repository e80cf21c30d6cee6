import type { FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { BridgeCore } from "../core/bridge-core.js";
import type { HostMetrics } from "../observability/metrics.js";
import type { MessageSchemas } from "./message-schema.js";
import type { JsonSchema } from "./schemas.js";

/** What the routes need from the host: the service layer and its metrics. */
export interface GatewayDeps {
  readonly core: BridgeCore;
  readonly metrics: HostMetrics;
  readonly version: string;
}

/** One documented response of a route (OpenAPI only; fastify does not serialize with it). */
export interface ResponseDoc {
  description: string;
  /** Built against the message schemas so protobuf messages become shared components. */
  schema?: (messages: MessageSchemas) => JsonSchema;
  /** Default application/json. */
  contentTypes?: string[];
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/**
 * A gateway route: registered with fastify (the schemas validate requests) and
 * published in /openapi.json from the same object.
 */
export interface GatewayRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  summary: string;
  description?: string;
  schema: { params?: JsonSchema; querystring?: JsonSchema; body?: JsonSchema };
  responses: Record<string, ResponseDoc>;
  // biome-ignore lint/suspicious/noExplicitAny: params, query and body are checked by the route's schema
  handler(request: FastifyRequest<any>, reply: FastifyReply): Promise<unknown>;
}
