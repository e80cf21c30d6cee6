import { clone, type DescMessage, type JsonWriteOptions, type MessageShape, toJson } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema, type Variable, VariableMetadataSchema } from "@toolbridge/protocol";
import { type Json, jsonFromAny } from "./json-values.js";

/**
 * Protobuf responses as JSON: the canonical proto3 JSON mapping with the .proto
 * field names (snake_case, int64 as strings, enums by name, timestamps RFC 3339),
 * except that every google.protobuf.Any value is written in the value notation of
 * json-values.ts and JSON Schema strings are embedded as objects.
 */
const OPTIONS: Partial<JsonWriteOptions> = { useProtoFieldName: true, alwaysEmitImplicit: true };

type JsonObject = { [key: string]: Json };

/** A message with no Any fields. */
export function messageJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonObject {
  return toJson(schema, message, OPTIONS) as JsonObject;
}

export function variableJson(variable: Variable | undefined): JsonObject | null {
  if (!variable) return null;
  return {
    name: variable.name,
    value: jsonFromAny(variable.value),
    metadata: variable.metadata ? messageJson(VariableMetadataSchema, variable.metadata) : null,
  };
}

function parsedSchema(text: string): Json {
  return text === "" ? null : (JSON.parse(text) as Json);
}

export function toolSpecJson(spec: ToolSpec): JsonObject {
  // toJson cannot write Any without a type registry: write the spec without them, then add them back.
  const bare = clone(ToolSpecSchema, spec);
  for (const argument of bare.arguments) argument.defaultValue = undefined;
  bare.examples = [];
  const json = messageJson(ToolSpecSchema, bare);
  json.arguments = spec.arguments.map((argument, i) => {
    const out = { ...((json.arguments as JsonObject[])[i] as JsonObject) };
    out.json_schema = parsedSchema(argument.jsonSchema);
    out.default_value = argument.defaultValue ? jsonFromAny(argument.defaultValue) : null;
    return out;
  });
  json.examples = spec.examples.map((example) => ({
    description: example.description,
    kwargs: Object.fromEntries(Object.entries(example.kwargs).map(([k, v]) => [k, jsonFromAny(v)])),
    result: jsonFromAny(example.result),
  }));
  json.input_json_schema = parsedSchema(spec.inputJsonSchema);
  json.output_json_schema = parsedSchema(spec.outputJsonSchema);
  return json;
}
