/**
 * Turns a decoded tool value into plain JSON for printing, losing no content:
 *   bigint           -> decimal string      (JSON numbers stop being exact at 2^53)
 *   Uint8Array       -> base64 string
 *   Date             -> ISO 8601 string
 *   Map              -> object (string keys) or [[key, value], ...]
 *   NaN, ±Infinity   -> "NaN", "Infinity", "-Infinity"
 *   undefined        -> null
 * Each conversion is listed in `notes` with its JSON path, so a reader (or a
 * script reading stderr) knows which strings were not strings on the wire.
 */
export interface PrintableJson {
  json: unknown;
  notes: string[];
}

export function toPrintableJson(value: unknown): PrintableJson {
  const notes: string[] = [];
  const seen = new Set<string>();
  const note = (path: string, what: string) => {
    // One note per kind of conversion at a path shape keeps big arrays from flooding stderr.
    const key = `${path.replace(/\[\d+\]/g, "[]")}:${what}`;
    if (seen.has(key)) return;
    seen.add(key);
    notes.push(`${path}: ${what}`);
  };
  const convert = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (v === undefined) return null;
    if (typeof v === "number") {
      if (Number.isFinite(v)) return v;
      note(path, "non-finite number printed as a string");
      return String(v);
    }
    if (typeof v === "bigint") {
      if (Number.isSafeInteger(Number(v))) return Number(v);
      note(path, "int64 beyond 2^53 printed as a decimal string");
      return v.toString();
    }
    if (v instanceof Uint8Array) {
      note(path, "bytes printed as base64");
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
    }
    if (v instanceof Date) {
      note(path, "timestamp printed as an ISO 8601 string");
      return v.toISOString();
    }
    if (Array.isArray(v)) return v.map((item, i) => convert(item, `${path}[${i}]`));
    if (v instanceof Map) {
      if ([...v.keys()].every((k) => typeof k === "string")) {
        return Object.fromEntries([...v].map(([k, item]) => [k, convert(item, `${path}.${k}`)]));
      }
      note(path, "map with non-string keys printed as [key, value] pairs");
      return [...v].map(([k, item], i) => [convert(k, `${path}[${i}][0]`), convert(item, `${path}[${i}][1]`)]);
    }
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = convert(item, `${path}.${k}`);
      return out;
    }
    note(path, `${typeof v} printed as a string`);
    return String(v);
  };
  return { json: convert(value, "$"), notes };
}
