import { create } from "@bufbuild/protobuf";
import {
  DeleteVariableRequestSchema,
  GetVariableRequestSchema,
  ListVariablesRequestSchema,
  SetVariableRequestSchema,
  VariableMetadataSchema,
} from "@toolbridge/protocol";
import { encodeField } from "../arguments.js";
import { HttpCallContext } from "../call-context.js";
import type { MessageSchemas } from "../message-schema.js";
import { VALUE_REF } from "../message-schema.js";
import { variableJson } from "../messages.js";
import type { GatewayDeps, GatewayRoute } from "../route.js";
import {
  DELETE_VARIABLE_QUERY,
  LIST_VARIABLES_QUERY,
  PUT_VARIABLE_BODY,
  SESSION_PARAMS,
  VARIABLE_PARAMS,
} from "../schemas.js";

interface PutBody {
  value: unknown;
  type?: string;
  tags?: string[];
  description?: string;
  expected_version?: number;
}

const variableSchema = (m: MessageSchemas) => ({
  type: "object",
  properties: { name: { type: "string" }, value: VALUE_REF, metadata: m.ref(VariableMetadataSchema) },
});

export function variableRoutes({ core }: GatewayDeps): GatewayRoute[] {
  return [
    {
      method: "GET",
      url: "/api/sessions/:id/variables",
      summary: "List variables by name, a page at a time",
      schema: { params: SESSION_PARAMS, querystring: LIST_VARIABLES_QUERY },
      responses: {
        "200": {
          description: "One page; next_cursor is empty on the last",
          schema: (m) => ({
            type: "object",
            properties: { variables: { type: "array", items: variableSchema(m) }, next_cursor: { type: "string" } },
          }),
        },
      },
      async handler(request, reply) {
        const { id } = request.params as { id: string };
        const query = request.query as { prefix?: string; tags?: string[]; limit?: number; cursor?: string };
        const response = await core.listVariables(
          create(ListVariablesRequestSchema, {
            sessionId: id,
            prefix: query.prefix ?? "",
            tags: (query.tags ?? []).flatMap((t) => t.split(",")).filter((t) => t !== ""),
            limit: query.limit ?? 0,
            cursor: query.cursor ?? "",
          }),
          new HttpCallContext(reply.raw),
        );
        return { variables: response.variables.map(variableJson), next_cursor: response.nextCursor };
      },
    },
    {
      method: "GET",
      url: "/api/sessions/:id/variables/:name",
      summary: "Read a variable",
      schema: { params: VARIABLE_PARAMS },
      responses: {
        "200": {
          description: "The variable",
          schema: (m) => ({ type: "object", properties: { variable: variableSchema(m) } }),
        },
      },
      async handler(request, reply) {
        const { id, name } = request.params as { id: string; name: string };
        const response = await core.getVariable(
          create(GetVariableRequestSchema, { sessionId: id, name }),
          new HttpCallContext(reply.raw),
        );
        return { variable: variableJson(response.variable) };
      },
    },
    {
      method: "PUT",
      url: "/api/sessions/:id/variables/:name",
      summary: "Create or update a variable (version grows by one per write)",
      schema: { params: VARIABLE_PARAMS, body: PUT_VARIABLE_BODY },
      responses: {
        "200": {
          description: "The variable as written",
          schema: (m) => ({ type: "object", properties: { variable: variableSchema(m) } }),
        },
      },
      async handler(request, reply) {
        const { id, name } = request.params as { id: string; name: string };
        const body = request.body as PutBody;
        const value = encodeField(body.value, "value");
        const response = await core.setVariable(
          create(SetVariableRequestSchema, {
            sessionId: id,
            name,
            value,
            type: body.type ?? "",
            tags: body.tags ?? [],
            description: body.description ?? "",
            ...(body.expected_version === undefined ? {} : { expectedVersion: BigInt(body.expected_version) }),
          }),
          new HttpCallContext(reply.raw),
        );
        return { variable: variableJson(response.variable) };
      },
    },
    {
      method: "DELETE",
      url: "/api/sessions/:id/variables/:name",
      summary: "Delete a variable",
      schema: { params: VARIABLE_PARAMS, querystring: DELETE_VARIABLE_QUERY },
      responses: {
        "200": {
          description: "deleted is false when there was no such variable",
          schema: () => ({ type: "object", properties: { deleted: { type: "boolean" } } }),
        },
      },
      async handler(request, reply) {
        const { id, name } = request.params as { id: string; name: string };
        const { expected_version } = request.query as { expected_version?: number };
        const response = await core.deleteVariable(
          create(DeleteVariableRequestSchema, {
            sessionId: id,
            name,
            ...(expected_version === undefined ? {} : { expectedVersion: BigInt(expected_version) }),
          }),
          new HttpCallContext(reply.raw),
        );
        return { deleted: response.deleted };
      },
    },
  ];
}
