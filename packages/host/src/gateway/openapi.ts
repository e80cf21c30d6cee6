import type { ToolSpec } from "@toolbridge/protocol";
import { MessageSchemas } from "./message-schema.js";
import type { GatewayDeps, GatewayRoute } from "./route.js";
import { EXECUTE_BODY, type JsonSchema, PROBLEM, VALUE } from "./schemas.js";

/**
 * The OpenAPI 3.1 document, built from the route table fastify validates with,
 * the protobuf descriptors (responses) and the registry's ToolSpecs: each global
 * tool gets its own execute path whose kwargs are the tool's input JSON Schema.
 */
export function openApiDocument(routes: readonly GatewayRoute[], tools: readonly ToolSpec[], version: string) {
  const messages = new MessageSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, "{$1}");
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      paths[path] ??= {};
      (paths[path] as Record<string, unknown>)[method.toLowerCase()] = operation(route, messages);
    }
  }
  for (const tool of tools) {
    const input = toolInputSchema(tool);
    const execute = routes.find((r) => r.url.endsWith("/:tool/execute"));
    if (!execute || !input) continue;
    const body = EXECUTE_BODY as { properties: Record<string, JsonSchema> };
    const op = operation(
      {
        ...execute,
        summary: `Call ${tool.name}${tool.description ? `: ${tool.description}` : ""}`,
        schema: {
          params: execute.schema.params ?? {},
          body: { ...body, properties: { ...body.properties, kwargs: input } },
        },
      },
      messages,
      ["tool"],
    );
    paths[`/api/sessions/{id}/tools/${tool.name}/execute`] = { post: op };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "toolbridge HTTP gateway",
      version,
      description: "Sessions, tools and variables of a toolbridge host over HTTP/JSON. Values: docs/json-values.md.",
    },
    paths,
    components: { schemas: { ...messages.components, Value: VALUE, Problem: PROBLEM } },
  };
}

export function openApiRoute(deps: GatewayDeps, routes: () => readonly GatewayRoute[]): GatewayRoute {
  return {
    method: "GET",
    url: "/openapi.json",
    summary: "This document",
    schema: {},
    responses: { "200": { description: "OpenAPI 3.1", schema: () => ({ type: "object" }) } },
    async handler() {
      return openApiDocument(routes(), deps.core.registry.globalSpecs(), deps.version);
    },
  };
}

function toolInputSchema(tool: ToolSpec): JsonSchema | undefined {
  if (tool.inputJsonSchema === "") return undefined;
  const { $schema: _, ...schema } = JSON.parse(tool.inputJsonSchema) as JsonSchema;
  return schema;
}

function operation(route: GatewayRoute, messages: MessageSchemas, fixedParams: string[] = []) {
  const parameters: unknown[] = [];
  const addParameters = (schema: JsonSchema | undefined, where: "path" | "query") => {
    const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required ?? []) as string[]);
    for (const [name, s] of Object.entries(properties)) {
      if (fixedParams.includes(name)) continue;
      parameters.push({ name, in: where, required: where === "path" || required.has(name), schema: s });
    }
  };
  addParameters(route.schema.params, "path");
  addParameters(route.schema.querystring, "query");
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const schema = doc.schema?.(messages);
    const contentTypes = doc.contentTypes ?? ["application/json"];
    responses[status] = {
      description: doc.description,
      ...(schema ? { content: Object.fromEntries(contentTypes.map((t) => [t, { schema }])) } : {}),
    };
  }
  responses.default = {
    description: "Failure: RFC 9457 problem details (429 carries Retry-After)",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.schema.body
      ? { requestBody: { required: false, content: { "application/json": { schema: route.schema.body } } } }
      : {}),
    responses,
  };
}
