/** Longest observation shown to the model; longer ones are cut with a marker so one tool cannot flood the context. */
export const MAX_OBSERVATION_CHARS = 16_000;

/**
 * Renders a value as text for the model: strings as they are, everything else
 * as JSON (bigints as numbers when exact, else as digit strings; bytes as
 * base64; dates as ISO strings).
 */
export function renderForModel(value: unknown): string {
  if (typeof value === "string") return truncate(value);
  if (value === undefined) return "null";
  return truncate(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      return v;
    }) ?? "null",
  );
}

function truncate(text: string): string {
  if (text.length <= MAX_OBSERVATION_CHARS) return text;
  return `${text.slice(0, MAX_OBSERVATION_CHARS)}… [truncated, ${text.length - MAX_OBSERVATION_CHARS} more characters]`;
}
