/**
 * Request schemas of the gateway's routes. Each is written once and used twice:
 * fastify validates requests with it (every bad field is reported) and
 * openapi.ts publishes it. Names are the .proto field names.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** Any value in the notation of json-values.ts; validated by the codec, not by the schema. */
export const VALUE: JsonSchema = {
  description:
    "A value in toolbridge's JSON value notation (docs/json-values.md): plain JSON, plus tagged " +
    '{"$int"}, {"$float"}, {"$bytes"}, {"$ts"}, {"$map"}, {"$table"} and {"$ext"} objects.',
};

const ID: JsonSchema = { type: "string", minLength: 1, maxLength: 256 };
const UINT32: JsonSchema = { type: "integer", minimum: 0, maximum: 4_294_967_295 };
const STRING_MAP: JsonSchema = { type: "object", additionalProperties: { type: "string" } };
const ARGS: JsonSchema = { type: "array", items: VALUE, description: "Positional arguments" };
const KWARGS: JsonSchema = { type: "object", additionalProperties: VALUE, description: "Keyword arguments" };
const REQUEST_ID: JsonSchema = {
  type: "string",
  maxLength: 256,
  description: "Idempotency key: a repeated request_id returns the first call's outcome",
};

function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: "object", additionalProperties: false, properties, ...(required.length ? { required } : {}) };
}

/** A body that may be left out (fastify validates a missing body as null). */
function optional(schema: JsonSchema): JsonSchema {
  return { ...schema, type: ["object", "null"] };
}

export const SESSION_PARAMS = object({ id: ID }, ["id"]);
export const TOOL_PARAMS = object({ id: ID, tool: ID }, ["id", "tool"]);
export const VARIABLE_PARAMS = object({ id: ID, name: ID }, ["id", "name"]);

export const CREATE_SESSION_BODY = optional(
  object({
    session_id: { type: "string", maxLength: 256, description: "Generated when absent" },
    metadata: STRING_MAP,
    config: object({
      max_concurrent_tools: UINT32,
      default_timeout_ms: UINT32,
      idle_ttl_ms: { type: "integer", minimum: 0 },
    }),
  }),
);

export const CLEANUP_QUERY = object({
  force: { type: "boolean", description: "Cancel calls still running instead of failing with 412" },
});

export const EXECUTE_BODY = optional(
  object({
    args: ARGS,
    kwargs: KWARGS,
    request_id: REQUEST_ID,
    timeout_ms: { ...UINT32, description: "Tool timeout for this call (shorter than the tool's own wins)" },
    context: STRING_MAP,
  }),
);

/** GET .../stream: JSON-encoded args/kwargs, or one query parameter per keyword argument. */
export const STREAM_QUERY: JsonSchema = {
  type: "object",
  properties: {
    args: { type: "string", description: "JSON array of positional arguments" },
    kwargs: { type: "string", description: "JSON object of keyword arguments" },
    request_id: REQUEST_ID,
    timeout_ms: UINT32,
  },
  additionalProperties: {
    type: "string",
    description: "A keyword argument: parsed as JSON when it is valid JSON, else taken as a string",
  },
};

export const BATCH_BODY = object(
  {
    requests: {
      type: "array",
      items: object({ tool_id: ID, args: ARGS, kwargs: KWARGS, request_id: REQUEST_ID }, ["tool_id"]),
    },
    parallel: { type: "boolean", description: "Run items concurrently (results stay in request order)" },
    stop_on_error: { type: "boolean" },
    max_parallel: UINT32,
    timeout_ms: UINT32,
  },
  ["requests"],
);

export const PUT_VARIABLE_BODY = object(
  {
    value: VALUE,
    type: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
    description: { type: "string" },
    expected_version: {
      type: "integer",
      minimum: 0,
      description: "Write only if the current version equals this (0: must not exist); else 409",
    },
  },
  ["value"],
);

export const DELETE_VARIABLE_QUERY = object({ expected_version: { type: "integer", minimum: 0 } });

export const LIST_VARIABLES_QUERY = object({
  prefix: { type: "string" },
  tags: {
    type: "array",
    items: { type: "string" },
    description: "Only variables with all these tags: repeat the parameter or separate with commas",
  },
  limit: UINT32,
  cursor: { type: "string", description: "next_cursor of the previous page" },
});

export const PROBLEM: JsonSchema = {
  type: "object",
  description: "RFC 9457 problem details with toolbridge's error type",
  required: ["type", "title", "status", "detail", "error_type"],
  properties: {
    type: { type: "string", description: "urn:toolbridge:error:<error_type>" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    error_type: { type: "string", description: "The same error type as on gRPC (conformance/error-codes.json)" },
    details: STRING_MAP,
    field_violations: {
      type: "array",
      items: object({ field: { type: "string" }, description: { type: "string" } }),
    },
    request_id: { type: "string" },
    session_id: { type: "string" },
    tool_name: { type: "string" },
    retry_after_ms: { type: "integer" },
  },
};
