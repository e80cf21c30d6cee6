import type { SignatureField } from "./signature.js";

/**
 * Turns a model's final answer into a record keyed by the signature's output
 * fields.
 *
 * - One output field: the answer text is that field's value, unless it is a
 *   JSON object holding the field (then that member is used).
 * - Several output fields: the answer is a JSON object with every field, or one
 *   "field: value" line per field.
 * - Keys match field names exactly, else case-insensitively.
 * - Values are coerced by the field's declared type: int, float, bool, list,
 *   dict (also tuple, set) must parse as such or the answer is rejected (and the
 *   model is asked again); str and untyped fields stay text; other types are
 *   kept as given.
 *
 * Returns the record, or a reason string to show the model.
 */
export function finalAnswerFromText(
  text: string,
  outputs: readonly SignatureField[],
): Record<string, unknown> | string {
  const parsed = tryJsonObject(text);
  const [only] = outputs;
  if (outputs.length === 1 && only !== undefined) {
    const member = parsed === undefined ? undefined : lookup(parsed, only.name);
    return finalAnswerFromObject({ [only.name]: member === undefined ? text.trim() : member.value }, outputs);
  }
  return finalAnswerFromObject(parsed ?? fieldLines(text), outputs);
}

/** Same rules for an answer that arrived as an object (a native `finish` tool call). */
export function finalAnswerFromObject(
  answer: Record<string, unknown>,
  outputs: readonly SignatureField[],
): Record<string, unknown> | string {
  const result: Record<string, unknown> = {};
  for (const field of outputs) {
    const member = lookup(answer, field.name);
    if (member === undefined) return `the final answer lacks the output field "${field.name}"`;
    const value = coerce(member.value, field.type);
    if (value instanceof CoercionFailure) return `output field "${field.name}" must be ${field.type}: ${value.reason}`;
    result[field.name] = value;
  }
  return result;
}

function lookup(object: Record<string, unknown>, name: string): { value: unknown } | undefined {
  if (Object.hasOwn(object, name)) return { value: object[name] };
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : { value: object[key] };
}

function tryJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.trim());
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function fieldLines(text: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(line);
    if (match !== null) result[match[1] as string] = (match[2] as string).trim();
  }
  return result;
}

class CoercionFailure {
  constructor(readonly reason: string) {}
}

function coerce(value: unknown, type: string | undefined): unknown {
  const base = type?.split("[")[0]?.toLowerCase();
  switch (base) {
    case undefined:
    case "any":
      return value;
    case "str":
    case "string":
      return typeof value === "string" ? value : JSON.stringify(value);
    case "int":
      return coerceNumber(value, /^[-+]?\d+$/, "a whole number");
    case "float":
      return coerceNumber(value, /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, "a number");
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === "true";
      return new CoercionFailure(`${JSON.stringify(value)} is not true or false`);
    case "list":
    case "tuple":
    case "set":
      return coerceJson(value, (v) => Array.isArray(v), "a JSON array");
    case "dict":
      return coerceJson(value, (v) => v !== null && typeof v === "object" && !Array.isArray(v), "a JSON object");
    default:
      return value;
  }
}

function coerceNumber(value: unknown, pattern: RegExp, what: string): unknown {
  if (typeof value === "number" && (what !== "a whole number" || Number.isInteger(value))) return value;
  if (typeof value === "string" && pattern.test(value.trim())) {
    const text = value.trim();
    const number = Number(text);
    // Whole numbers beyond 2^53 keep their digits as a bigint (the codec carries int64 losslessly).
    return what === "a whole number" && !Number.isSafeInteger(number) ? BigInt(text) : number;
  }
  return new CoercionFailure(`${JSON.stringify(value)} is not ${what}`);
}

function coerceJson(value: unknown, accept: (v: unknown) => boolean, what: string): unknown {
  if (accept(value)) return value;
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (accept(parsed)) return parsed;
    } catch {
      // falls through to the failure below
    }
  }
  return new CoercionFailure(`${JSON.stringify(value)} is not ${what}`);
}
