import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ValueSchema } from "@toolbridge/protocol";
import { hostError } from "../errors.js";

const WRAPPER_TYPES: Record<string, string> = {
  "google.protobuf.StringValue": "str",
  "google.protobuf.Int64Value": "int",
  "google.protobuf.Int32Value": "int",
  "google.protobuf.UInt64Value": "int",
  "google.protobuf.UInt32Value": "int",
  "google.protobuf.DoubleValue": "float",
  "google.protobuf.FloatValue": "float",
  "google.protobuf.BoolValue": "bool",
  "google.protobuf.BytesValue": "bytes",
  "google.protobuf.ListValue": "list",
  "google.protobuf.Struct": "dict",
  "google.protobuf.Timestamp": "datetime",
  "pandas.DataFrame": "table",
};

const VALUE_KINDS: Record<string, string> = {
  nullValue: "none",
  boolValue: "bool",
  intValue: "int",
  doubleValue: "float",
  stringValue: "str",
  bytesValue: "bytes",
  timestampValue: "datetime",
  listValue: "list",
  mapValue: "dict",
  tableValue: "table",
  extensionValue: "extension",
};

/**
 * Language-neutral type name of an encoded value, read from its type URL (and
 * the Value's kind for toolbridge.v1.Value) without decoding the payload.
 */
export function inferValueType(value: Any): string {
  const typeName = value.typeUrl.slice(value.typeUrl.lastIndexOf("/") + 1);
  const known = WRAPPER_TYPES[typeName];
  if (known) return known;
  if (typeName === "toolbridge.v1.Value") {
    const kind = valueKind(value);
    return kind ? (VALUE_KINDS[kind] ?? "any") : "none";
  }
  return "any";
}

/** The caller sent these bytes: undecodable (garbled, nested past protobuf's depth limit) is their error, not ours. */
function valueKind(value: Any): string | undefined {
  try {
    return fromBinary(ValueSchema, value.value).kind.case;
  } catch (error) {
    throw hostError("InvalidArgument", `value is not a valid toolbridge.v1.Value: ${(error as Error).message}`);
  }
}
