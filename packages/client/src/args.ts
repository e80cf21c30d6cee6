import type { Any } from "@bufbuild/protobuf/wkt";
import { EncodeError, encodeValue, type ToolSpec } from "@toolbridge/protocol";

/** Keyword arguments made explicit with `kwargs({...})`, so they can follow positional ones. */
export class KeywordArguments<K extends Record<string, unknown> = Record<string, unknown>> {
  constructor(readonly values: K) {}
}

/** Marks an object as keyword arguments: `tools.search("q", kwargs({ limit: 5 }))`. */
export function kwargs<K extends Record<string, unknown>>(values: K): KeywordArguments<K> {
  return new KeywordArguments(values);
}

/** Arguments ready for the wire. */
export interface EncodedArguments {
  args: Any[];
  kwargs: { [key: string]: Any };
}

const NO_KWARGS: Readonly<Record<string, Any>> = Object.freeze({});

/**
 * Binds the values of a proxy call (`tool(...values)`):
 * - a trailing `kwargs({...})` is keyword arguments, whatever precedes it positional;
 * - a single plain object whose every key is an argument name of the tool is
 *   keyword arguments (so `calculate({ expression })` reads naturally);
 * - anything else is positional. Use `tool.call([obj])` to pass such an object positionally.
 */
export function bindCallValues(spec: ToolSpec | undefined, values: readonly unknown[]): EncodedArguments {
  const last = values[values.length - 1];
  if (last instanceof KeywordArguments) {
    return { args: encodeList(values.slice(0, -1)), kwargs: encodeRecord(last.values) };
  }
  if (values.length === 1 && isPlainObject(last) && keysAreArgumentNames(spec, last)) {
    return { args: [], kwargs: encodeRecord(last) };
  }
  return { args: encodeList(values), kwargs: NO_KWARGS as { [key: string]: Any } };
}

/** Binds the single `args` value of `tool.call(args)`: array positional, plain object keyword. */
export function bindCallArguments(value: unknown): EncodedArguments {
  if (value instanceof KeywordArguments) return { args: [], kwargs: encodeRecord(value.values) };
  if (Array.isArray(value)) return { args: encodeList(value), kwargs: NO_KWARGS as { [key: string]: Any } };
  if (isPlainObject(value)) return { args: [], kwargs: encodeRecord(value) };
  if (value === undefined) return { args: [], kwargs: NO_KWARGS as { [key: string]: Any } };
  throw new EncodeError("call arguments must be an array (positional) or a plain object (keyword)");
}

function encodeList(values: readonly unknown[]): Any[] {
  const encoded = new Array<Any>(values.length);
  for (let i = 0; i < values.length; i++) encoded[i] = encodeArgument(values[i], `args[${i}]`);
  return encoded;
}

function encodeRecord(values: Record<string, unknown>): { [key: string]: Any } {
  const encoded: { [key: string]: Any } = {};
  for (const key of Object.keys(values)) {
    // As an object key it would replace the prototype; hosts refuse it as an argument name too.
    if (key === "__proto__") throw new EncodeError('"__proto__" is not allowed as an argument name', { path: key });
    encoded[key] = encodeArgument(values[key], key);
  }
  return encoded;
}

/** Encodes one argument, naming it in the error so the caller knows which one failed. */
function encodeArgument(value: unknown, name: string): Any {
  try {
    return encodeValue(value);
  } catch (error) {
    if (!(error instanceof EncodeError)) throw error;
    // EncodeError appends " at <path>" itself; keep the reason, add the argument.
    const suffix = ` at ${error.path}`;
    const reason = error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
    throw new EncodeError(`${reason} (argument ${name})`, { path: error.path, cause: error });
  }
}

function keysAreArgumentNames(spec: ToolSpec | undefined, value: Record<string, unknown>): boolean {
  if (spec === undefined) return false;
  for (const key in value) {
    if (!spec.arguments.some((argument) => argument.name === key)) return false;
  }
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
