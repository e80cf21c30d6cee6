import { anyFromJson, jsonFromAny } from "@toolbridge/host";
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { UsageError } from "./usage.js";

/**
 * The CLI reads and prints values in the same JSON notation as the HTTP
 * gateway (docs/json-values.md): plain JSON where it is exact, tags where it is
 * not ({"$int": "9223372036854775807"}, {"$bytes": "AAE="}, {"$ts": "..."},
 * {"$float": "2"}, {"$map": [...]}, {"$table": {...}}). Output is always valid
 * input, and nothing the codec carries is lost on the way through.
 */
export type Json = ReturnType<typeof jsonFromAny>;

/** A JSON argument (tagged notation, bare numbers allowed) as the value the client sends. */
export function valueFromJson(json: unknown, field: string): unknown {
  try {
    // Through the codec and back, so a tagged float stays a float (Float64) on the wire.
    return decodeValue(anyFromJson(json, field), { exactFloats: true });
  } catch (error) {
    // anyFromJson reports unreadable JSON (unknown tag, bad $ts, $int outside int64) as JsonValueError.
    if (error instanceof Error && error.name === "JsonValueError") throw new UsageError(`argument ${error.message}`);
    throw error;
  }
}

/** A decoded tool value as JSON in the tagged notation. */
export function jsonFromValue(value: unknown): Json {
  return jsonFromAny(encodeValue(value));
}
