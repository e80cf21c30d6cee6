import { create } from "@bufbuild/protobuf";
import {
  BatchExecuteToolsRequestSchema,
  BatchMetricsSchema,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  ExecutionMetricsSchema,
} from "@toolbridge/protocol";
import { encodeArguments } from "../arguments.js";
import { HttpCallContext } from "../call-context.js";
import { jsonFromAny } from "../json-values.js";
import { VALUE_REF } from "../message-schema.js";
import { messageJson } from "../messages.js";
import { HttpProblem, problemFromInfo } from "../problem.js";
import type { GatewayDeps, GatewayRoute } from "../route.js";
import { BATCH_BODY, EXECUTE_BODY, PROBLEM, SESSION_PARAMS, TOOL_PARAMS } from "../schemas.js";

interface ExecuteBody {
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  request_id?: string;
  timeout_ms?: number;
  context?: Record<string, string>;
}

interface BatchBody {
  requests: { tool_id: string; args?: unknown[]; kwargs?: Record<string, unknown>; request_id?: string }[];
  parallel?: boolean;
  stop_on_error?: boolean;
  max_parallel?: number;
  timeout_ms?: number;
}

/** A successful call as JSON. */
function resultJson(response: ExecuteToolResponse) {
  return {
    result: jsonFromAny(response.result),
    metrics: response.metrics ? messageJson(ExecutionMetricsSchema, response.metrics) : null,
    request_id: response.requestId,
  };
}

export function toolRoutes({ core }: GatewayDeps): GatewayRoute[] {
  return [
    {
      method: "POST",
      url: "/api/sessions/:id/tools/:tool/execute",
      summary: "Call a tool",
      description:
        "A failed call answers with problem+json: 404 unknown tool, 400 invalid arguments (every bad field), " +
        "504 timeout, 500 the tool's own error, 429 rate limited (Retry-After), 413 result too large.",
      schema: { params: TOOL_PARAMS, body: EXECUTE_BODY },
      responses: {
        "200": {
          description: "The tool's result",
          schema: (m) => ({
            type: "object",
            properties: { result: VALUE_REF, metrics: m.ref(ExecutionMetricsSchema), request_id: { type: "string" } },
          }),
        },
      },
      async handler(request, reply) {
        const { id, tool } = request.params as { id: string; tool: string };
        const body = (request.body ?? {}) as ExecuteBody;
        const { args, kwargs } = encodeArguments(body.args, body.kwargs);
        const response = await core.executeTool(
          create(ExecuteToolRequestSchema, {
            sessionId: id,
            toolId: tool,
            args,
            kwargs,
            requestId: body.request_id ?? "",
            timeoutMs: body.timeout_ms ?? 0,
            context: body.context ?? {},
          }),
          new HttpCallContext(reply.raw),
        );
        if (!response.success) throw new HttpProblem(problemFromInfo(failure(response), request.url));
        return resultJson(response);
      },
    },
    {
      method: "POST",
      url: "/api/sessions/:id/tools/batch",
      summary: "Call several tools; one result per request, in request order",
      schema: { params: SESSION_PARAMS, body: BATCH_BODY },
      responses: {
        "200": {
          description: "Results in request order: each a result or a problem",
          schema: (m) => ({
            type: "object",
            properties: {
              results: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    success: { type: "boolean" },
                    result: VALUE_REF,
                    error: PROBLEM,
                    metrics: m.ref(ExecutionMetricsSchema),
                    request_id: { type: "string" },
                  },
                },
              },
              metrics: m.ref(BatchMetricsSchema),
            },
          }),
        },
      },
      async handler(request, reply) {
        const { id } = request.params as { id: string };
        const body = request.body as BatchBody;
        const items = body.requests.map((item, i) => ({
          toolId: item.tool_id,
          requestId: item.request_id ?? "",
          ...encodeArguments(item.args, item.kwargs, `requests[${i}].`),
        }));
        const response = await core.batchExecuteTools(
          create(BatchExecuteToolsRequestSchema, {
            sessionId: id,
            items,
            config: {
              parallel: body.parallel ?? false,
              stopOnError: body.stop_on_error ?? false,
              maxParallel: body.max_parallel ?? 0,
            },
            timeoutMs: body.timeout_ms ?? 0,
          }),
          new HttpCallContext(reply.raw),
        );
        return {
          results: response.results.map((r) =>
            r.success
              ? { success: true, ...resultJson(r) }
              : {
                  success: false,
                  error: problemFromInfo(failure(r)),
                  metrics: r.metrics ? messageJson(ExecutionMetricsSchema, r.metrics) : null,
                  request_id: r.requestId,
                },
          ),
          metrics: response.metrics ? messageJson(BatchMetricsSchema, response.metrics) : null,
        };
      },
    },
  ];
}

function failure(response: ExecuteToolResponse) {
  if (response.error) return response.error;
  throw new Error(`tool call ${response.requestId} failed without an ErrorInfo`);
}
