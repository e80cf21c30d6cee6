import { create } from "@bufbuild/protobuf";
import { type ArgumentSpec, ArgumentSpecSchema, ArgumentValidationSchema, encodeValue } from "@toolbridge/protocol";
import { z } from "zod";

/** A JSON Schema node, as z.toJSONSchema writes it. */
type JsonSchema = {
  type?: string | string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

/** What a tool's zod input schema says about its arguments. */
export interface DerivedSchema {
  arguments: ArgumentSpec[];
  inputJsonSchema: string;
}

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** JSON Schema of a zod schema; types JSON cannot express (Date, bigint, bytes) become `{}`. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as JsonSchema;
}

/**
 * Derives ArgumentSpecs from a zod object schema: the language-neutral type,
 * required/default, description and validation constraints of every field, in
 * declaration order, plus the JSON Schema of the whole keyword-argument object.
 */
export function deriveArguments(input: z.ZodObject): DerivedSchema {
  const json = jsonSchemaOf(input);
  const required = new Set(json.required ?? []);
  const args = Object.keys(input.shape).map((name) => {
    const field = input.shape[name] as z.ZodType;
    const fieldJson = json.properties?.[name] ?? {};
    const spec = create(ArgumentSpecSchema, {
      name,
      type: typeName(field, fieldJson),
      required: required.has(name),
      description: fieldJson.description ?? field.description ?? "",
      validation: validationOf(fieldJson),
      jsonSchema: JSON.stringify(fieldJson),
    });
    if (fieldJson.default !== undefined) spec.defaultValue = encodeValue(fieldJson.default);
    return spec;
  });
  return { arguments: args, inputJsonSchema: JSON.stringify(json) };
}

/** Language-neutral type name ("str", "int", "list[str]" ...) of a schema. */
export function typeName(schema: z.ZodType | undefined, json: JsonSchema): string {
  const special = schema === undefined ? undefined : zodSpecialType(schema);
  if (special) return special;
  return jsonTypeName(json);
}

function zodSpecialType(schema: z.ZodType): string | undefined {
  const def = (schema as { _zod?: { def?: { type?: string; innerType?: z.ZodType; element?: z.ZodType } } })._zod?.def;
  if (!def) return undefined;
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return def.innerType ? zodSpecialType(def.innerType) : undefined;
    case "date":
      return "datetime";
    case "bigint":
      return "int";
    case "custom":
      return isBytesSchema(schema) ? "bytes" : undefined;
    case "array": {
      const inner = def.element ? zodSpecialType(def.element) : undefined;
      return inner ? `list[${inner}]` : undefined;
    }
    default:
      return undefined;
  }
}

function isBytesSchema(schema: z.ZodType): boolean {
  return schema.safeParse(new Uint8Array(0)).success && !schema.safeParse("").success;
}

function jsonTypeName(json: JsonSchema): string {
  const variants = json.anyOf ?? json.oneOf;
  if (variants) {
    const names = [...new Set(variants.filter((v) => v.type !== "null").map(jsonTypeName))];
    return names.length === 1 ? (names[0] as string) : "any";
  }
  const type = Array.isArray(json.type) ? json.type.find((t) => t !== "null") : json.type;
  switch (type) {
    case "string":
      return json.format === "date-time" ? "datetime" : "str";
    case "integer":
      return "int";
    case "number":
      return "float";
    case "boolean":
      return "bool";
    case "null":
      return "none";
    case "array":
      return json.items ? `list[${jsonTypeName(json.items)}]` : "list";
    case "object": {
      const value = json.additionalProperties;
      if (typeof value === "object" && !json.properties) return `dict[str, ${jsonTypeName(value)}]`;
      return "dict";
    }
    default:
      if (json.enum?.every((v) => typeof v === "string")) return "str";
      if (json.const !== undefined) return typeof json.const === "string" ? "str" : "any";
      return "any";
  }
}

function validationOf(json: JsonSchema) {
  const validation = create(ArgumentValidationSchema, {});
  if (json.pattern !== undefined) validation.pattern = json.pattern;
  const min = json.minimum ?? json.exclusiveMinimum;
  const max = json.maximum ?? json.exclusiveMaximum;
  // zod's .int() adds the safe-integer range, which is not a constraint the author wrote.
  if (min !== undefined && min !== -SAFE_INT) validation.minValue = min;
  if (max !== undefined && max !== SAFE_INT) validation.maxValue = max;
  const minLength = json.minLength ?? json.minItems;
  const maxLength = json.maxLength ?? json.maxItems;
  if (minLength !== undefined) validation.minLength = BigInt(minLength);
  if (maxLength !== undefined) validation.maxLength = BigInt(maxLength);
  if (json.enum) validation.enumValues = json.enum.map(String);
  return validation;
}
