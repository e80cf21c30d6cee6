/** type_url prefixes and names the codec writes and reads (identical in Python). */
export const TYPE_URL_PREFIX = "type.googleapis.com/";

export const TYPE = {
  string: "google.protobuf.StringValue",
  int64: "google.protobuf.Int64Value",
  double: "google.protobuf.DoubleValue",
  bool: "google.protobuf.BoolValue",
  bytes: "google.protobuf.BytesValue",
  value: "google.protobuf.Value",
  list: "google.protobuf.ListValue",
  struct: "google.protobuf.Struct",
  timestamp: "google.protobuf.Timestamp",
  // Accepted on decode only: other peers may send them.
  int32: "google.protobuf.Int32Value",
  uint32: "google.protobuf.UInt32Value",
  uint64: "google.protobuf.UInt64Value",
  float: "google.protobuf.FloatValue",
  toolbridgeValue: "toolbridge.v1.Value",
  table: "pandas.DataFrame",
  toolbridgeTable: "toolbridge.v1.Table",
} as const;

/** Unknown objects travel as their string form under `typescript.<Class>`; `python.<Class>` from Python. */
export const FALLBACK_PREFIXES = ["typescript.", "python."] as const;

export function typeUrl(name: string): string {
  return TYPE_URL_PREFIX + name;
}

/** The message name of a type_url: whatever follows the last "/". */
export function typeName(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}
