import { create } from "@bufbuild/protobuf";
import { decodeValue, type FieldViolation, FieldViolationSchema, hasPlainPrototype } from "@toolbridge/protocol";
import type { z } from "zod";
import { validationFailure } from "../errors.js";
import type { ToolCall } from "../registry/types.js";

/**
 * Binds a call's positional arguments (in the schema's declaration order) and
 * keyword arguments to one object, decodes each value, then validates it with
 * the tool's zod schema. Throws a ValidationError ToolFailure naming every bad
 * field; returns the parsed (defaults applied) arguments otherwise.
 */
export function bindArguments(toolName: string, names: readonly string[], input: z.ZodObject, call: ToolCall): unknown {
  const raw: Record<string, unknown> = {};
  let violations: FieldViolation[] | undefined;
  const violate = (field: string, description: string) => {
    violations ??= [];
    violations.push(create(FieldViolationSchema, { field, description }));
  };

  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const name = names[i];
    if (name === undefined) {
      violate(`args[${i}]`, `unexpected positional argument: ${toolName} takes at most ${names.length}`);
      continue;
    }
    try {
      raw[name] = decodeValue(args[i] as NonNullable<(typeof args)[number]>);
    } catch (error) {
      violate(name, `undecodable value: ${(error as Error).message}`);
    }
  }
  // A "__proto__" entry, decoded by plain assignment, became the map's prototype: refuse it
  // rather than read the prototype's fields as arguments.
  const kwargs = hasPlainPrototype(call.kwargs) ? call.kwargs : {};
  if (kwargs !== call.kwargs) violate("__proto__", "not allowed as an argument name");
  for (const name in kwargs) {
    if (!Object.hasOwn(input.shape, name)) {
      violate(name, "unexpected argument");
      continue;
    }
    if (Object.hasOwn(raw, name)) {
      violate(name, "given both positionally and by name");
      continue;
    }
    try {
      raw[name] = decodeValue(kwargs[name] as NonNullable<ToolCall["kwargs"][string]>);
    } catch (error) {
      violate(name, `undecodable value: ${(error as Error).message}`);
    }
  }

  const parsed = input.safeParse(raw);
  if (!parsed.success) {
    // A field already reported as undecodable would be reported again as missing.
    const reported = new Set(violations?.map((v) => v.field));
    for (const issue of parsed.error.issues) {
      if (!reported.has(String(issue.path[0]))) violate(pathOf(issue.path), issue.message);
    }
  }
  if (violations) throw validationFailure(toolName, violations);
  return (parsed as { data: unknown }).data;
}

/** zod issue path as "items[2].id". */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "$";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}
