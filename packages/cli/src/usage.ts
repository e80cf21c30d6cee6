/** A mistake on the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Runs a node:util parseArgs call, rewriting its errors as UsageErrors that
 * name the command and point at its help.
 */
export function parseCommandLine<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${command}: ${message} (see "toolbridge ${command} --help")`);
  }
}

/** A TCP port 0-65535 from a flag value; 0 asks the OS for a free port. */
export function parsePort(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--${flag} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** `key=value` words as keyword arguments: the value is JSON when it parses as JSON, else the literal string. */
export function parseKeyValues(words: string[]): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  for (const word of words) {
    const equals = word.indexOf("=");
    if (equals <= 0) throw new UsageError(`call: expected key=value, got ${JSON.stringify(word)}`);
    const key = word.slice(0, equals);
    if (Object.hasOwn(kwargs, key)) throw new UsageError(`call: argument ${key} given twice`);
    kwargs[key] = parseValue(word.slice(equals + 1));
  }
  return kwargs;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Requires a flag the user left out. */
export function required<T>(command: string, flag: string, value: T | undefined): T {
  if (value === undefined)
    throw new UsageError(`${command}: --${flag} is required (see "toolbridge ${command} --help")`);
  return value;
}
