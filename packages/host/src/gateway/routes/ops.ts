import { create } from "@bufbuild/protobuf";
import { HealthCheckRequestSchema, HealthCheckResponseSchema, ServingStatus } from "@toolbridge/protocol";
import { HttpCallContext } from "../call-context.js";
import { messageJson } from "../messages.js";
import { HttpProblem, problem } from "../problem.js";
import type { GatewayDeps, GatewayRoute } from "../route.js";

export function opsRoutes({ core, metrics }: GatewayDeps): GatewayRoute[] {
  return [
    {
      method: "GET",
      url: "/healthz",
      summary: "Liveness: the process answers",
      schema: {},
      responses: { "200": { description: "Host status", schema: (m) => m.ref(HealthCheckResponseSchema) } },
      async handler(_request, reply) {
        const health = await core.healthCheck(create(HealthCheckRequestSchema), new HttpCallContext(reply.raw));
        return messageJson(HealthCheckResponseSchema, health);
      },
    },
    {
      method: "GET",
      url: "/readyz",
      summary: "Readiness: 200 while serving, 503 once shutting down",
      schema: {},
      responses: { "200": { description: "Serving", schema: (m) => m.ref(HealthCheckResponseSchema) } },
      async handler(_request, reply) {
        const health = await core.healthCheck(create(HealthCheckRequestSchema), new HttpCallContext(reply.raw));
        if (health.status !== ServingStatus.SERVING) {
          throw new HttpProblem(problem({ errorType: "Unavailable", message: "host is shutting down" }));
        }
        return messageJson(HealthCheckResponseSchema, health);
      },
    },
    {
      method: "GET",
      url: "/metrics",
      summary: "Prometheus metrics of the host (the same registry as GetMetrics)",
      schema: {},
      responses: {
        "200": {
          description: "Prometheus text exposition",
          contentTypes: ["text/plain"],
          schema: () => ({ type: "string" }),
        },
      },
      async handler(_request, reply) {
        reply.type(metrics.registry.contentType);
        return metrics.metricsText();
      },
    },
  ];
}
