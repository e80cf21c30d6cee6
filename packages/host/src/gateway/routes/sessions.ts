import { create } from "@bufbuild/protobuf";
import {
  CleanupSessionRequestSchema,
  CleanupSessionResponseSchema,
  GetSessionInfoRequestSchema,
  GetSessionToolsRequestSchema,
  InitializeSessionRequestSchema,
  SessionInfoSchema,
  ToolSpecSchema,
} from "@toolbridge/protocol";
import { HttpCallContext } from "../call-context.js";
import { messageJson, toolSpecJson } from "../messages.js";
import type { GatewayDeps, GatewayRoute } from "../route.js";
import { CLEANUP_QUERY, CREATE_SESSION_BODY, SESSION_PARAMS } from "../schemas.js";

interface CreateBody {
  session_id?: string;
  metadata?: Record<string, string>;
  config?: { max_concurrent_tools?: number; default_timeout_ms?: number; idle_ttl_ms?: number };
}

export function sessionRoutes({ core }: GatewayDeps): GatewayRoute[] {
  return [
    {
      method: "POST",
      url: "/api/sessions",
      summary: "Create a session",
      schema: { body: CREATE_SESSION_BODY },
      responses: {
        "201": {
          description: "Created; Location names the session",
          schema: (m) => ({
            type: "object",
            properties: {
              session: m.ref(SessionInfoSchema),
              tools: { type: "array", items: m.ref(ToolSpecSchema) },
              tool_count: { type: "integer" },
              capabilities: { type: "array", items: { type: "string" } },
            },
          }),
        },
      },
      async handler(request, reply) {
        const body = (request.body ?? {}) as CreateBody;
        const config = body.config;
        const response = await core.initializeSession(
          create(InitializeSessionRequestSchema, {
            sessionId: body.session_id ?? "",
            metadata: body.metadata ?? {},
            ...(config
              ? {
                  config: {
                    maxConcurrentTools: config.max_concurrent_tools ?? 0,
                    defaultTimeoutMs: config.default_timeout_ms ?? 0,
                    idleTtlMs: BigInt(config.idle_ttl_ms ?? 0),
                  },
                }
              : {}),
          }),
          new HttpCallContext(reply.raw),
        );
        const session = response.session ?? create(SessionInfoSchema);
        reply.code(201).header("location", `/api/sessions/${encodeURIComponent(session.sessionId)}`);
        return {
          session: messageJson(SessionInfoSchema, session),
          tools: response.tools.map(toolSpecJson),
          tool_count: response.toolCount,
          capabilities: response.capabilities,
        };
      },
    },
    {
      method: "GET",
      url: "/api/sessions/:id",
      summary: "Session info",
      schema: { params: SESSION_PARAMS },
      responses: {
        "200": {
          description: "The session",
          schema: (m) => ({ type: "object", properties: { session: m.ref(SessionInfoSchema) } }),
        },
      },
      async handler(request, reply) {
        const { id } = request.params as { id: string };
        const response = await core.getSessionInfo(
          create(GetSessionInfoRequestSchema, { sessionId: id }),
          new HttpCallContext(reply.raw),
        );
        return { session: messageJson(SessionInfoSchema, response.session ?? create(SessionInfoSchema)) };
      },
    },
    {
      method: "DELETE",
      url: "/api/sessions/:id",
      summary: "End a session (its tools, variables and watchers go with it)",
      schema: { params: SESSION_PARAMS, querystring: CLEANUP_QUERY },
      responses: { "200": { description: "Cleaned up", schema: (m) => m.ref(CleanupSessionResponseSchema) } },
      async handler(request, reply) {
        const { id } = request.params as { id: string };
        const { force } = request.query as { force?: boolean };
        const response = await core.cleanupSession(
          create(CleanupSessionRequestSchema, { sessionId: id, force: force ?? false }),
          new HttpCallContext(reply.raw),
        );
        return messageJson(CleanupSessionResponseSchema, response);
      },
    },
    {
      method: "GET",
      url: "/api/sessions/:id/tools",
      summary: "Tools the session sees, each with the JSON Schema of its keyword arguments",
      schema: { params: SESSION_PARAMS },
      responses: {
        "200": {
          description: "Tool specs",
          schema: (m) => ({ type: "object", properties: { tools: { type: "array", items: m.ref(ToolSpecSchema) } } }),
        },
      },
      async handler(request, reply) {
        const { id } = request.params as { id: string };
        const response = await core.getSessionTools(
          create(GetSessionToolsRequestSchema, { sessionId: id }),
          new HttpCallContext(reply.raw),
        );
        return { tools: response.tools.map(toolSpecJson) };
      },
    },
  ];
}
