import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import type { JsonSchema } from "./schemas.js";

/**
 * JSON Schemas of protobuf messages as messages.ts writes them, generated from
 * the same descriptors the gRPC service is built from, so /openapi.json cannot
 * drift from the .proto files. Nested messages become components.
 */
export const VALUE_REF = { $ref: "#/components/schemas/Value" };
const JSON_SCHEMA_OBJECT: JsonSchema = { type: ["object", "null"], description: "A JSON Schema (draft 2020-12)" };

/** Fields messages.ts writes differently from plain proto JSON. */
const OVERRIDES: Record<string, JsonSchema> = {
  "toolbridge.v1.ToolSpec.input_json_schema": JSON_SCHEMA_OBJECT,
  "toolbridge.v1.ToolSpec.output_json_schema": JSON_SCHEMA_OBJECT,
  "toolbridge.v1.ArgumentSpec.json_schema": JSON_SCHEMA_OBJECT,
};

export class MessageSchemas {
  readonly components: Record<string, JsonSchema> = {};

  /** $ref to the message's component, generating it (and what it uses) once. */
  ref(desc: DescMessage): JsonSchema {
    const name = desc.typeName;
    if (!(name in this.components)) {
      this.components[name] = {}; // placeholder: recursive messages refer to themselves
      const properties: Record<string, JsonSchema> = {};
      for (const field of desc.fields) {
        properties[field.name] = OVERRIDES[`${name}.${field.name}`] ?? this.field(field);
      }
      this.components[name] = { type: "object", properties };
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private field(field: DescField): JsonSchema {
    switch (field.fieldKind) {
      case "scalar":
        return scalar(field.scalar);
      case "enum":
        return { type: "string", enum: field.enum.values.map((v) => v.name) };
      case "message":
        return this.message(field.message);
      case "list": {
        const items =
          field.listKind === "scalar"
            ? scalar(field.scalar)
            : field.listKind === "enum"
              ? { type: "string", enum: field.enum.values.map((v) => v.name) }
              : this.message(field.message);
        return { type: "array", items };
      }
      case "map": {
        const values =
          field.mapKind === "scalar"
            ? scalar(field.scalar)
            : field.mapKind === "enum"
              ? { type: "string", enum: field.enum.values.map((v) => v.name) }
              : this.message(field.message);
        return { type: "object", additionalProperties: values };
      }
    }
  }

  private message(desc: DescMessage): JsonSchema {
    if (desc.typeName === "google.protobuf.Any") return VALUE_REF;
    if (desc.typeName === "google.protobuf.Timestamp") return { type: "string", format: "date-time" };
    return this.ref(desc);
  }
}

function scalar(type: ScalarType): JsonSchema {
  switch (type) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // Proto JSON writes NaN and the infinities as strings.
      return { type: ["number", "string"] };
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      // Proto JSON writes 64-bit integers as decimal strings.
      return { type: "string", pattern: "^-?[0-9]+$" };
    default:
      return { type: "integer" };
  }
}
