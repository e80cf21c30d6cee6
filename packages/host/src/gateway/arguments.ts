import type { Any } from "@bufbuild/protobuf/wkt";
import { anyFromJson, JsonValueError } from "./json-values.js";
import { HttpProblem, problem } from "./problem.js";

export interface EncodedArguments {
  args: Any[];
  kwargs: { [name: string]: Any };
}

/**
 * Encodes a call's JSON arguments; a ValidationError (400) names every value
 * that cannot be read, not only the first. `prefix` locates them in the body
 * ("requests[2].").
 */
export function encodeArguments(
  args: readonly unknown[] | undefined,
  kwargs: Readonly<Record<string, unknown>> | undefined,
  prefix = "",
): EncodedArguments {
  const violations: { field: string; description: string }[] = [];
  const encode = (json: unknown, field: string): Any | undefined => {
    try {
      return anyFromJson(json, field);
    } catch (error) {
      if (!(error instanceof JsonValueError)) throw error;
      violations.push({ field, description: error.reason });
      return undefined;
    }
  };
  const out: EncodedArguments = { args: [], kwargs: {} };
  (args ?? []).forEach((json, i) => {
    const any = encode(json, `${prefix}args[${i}]`);
    if (any) out.args.push(any);
  });
  for (const name of Object.keys(kwargs ?? {})) {
    const any = encode((kwargs as Record<string, unknown>)[name], `${prefix}kwargs.${name}`);
    if (any) out.kwargs[name] = any;
  }
  if (violations.length > 0) throw invalidValues(violations);
  return out;
}

export function invalidValues(violations: { field: string; description: string }[]): HttpProblem {
  const list = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
  return new HttpProblem(
    problem({ errorType: "ValidationError", message: `invalid argument values: ${list}`, fieldViolations: violations }),
  );
}

/** One value (a variable's), or a ValidationError naming `field`. */
export function encodeField(json: unknown, field: string): Any {
  try {
    return anyFromJson(json, field);
  } catch (error) {
    if (!(error instanceof JsonValueError)) throw error;
    throw invalidValues([{ field, description: error.reason }]);
  }
}
