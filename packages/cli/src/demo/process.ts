import { defineTool } from "@toolbridge/host";
import { z } from "zod";

/**
 * `process`: deterministic transformations of a list of records.
 *   summarize: per-field counts, value types, distinct values, and numeric stats;
 *   sort:      stable sort by one field (missing and null values last);
 *   dedupe:    keep the first record of each distinct field value (or whole record).
 * Values compare by content, not identity, so bigint, bytes and dates (which the
 * codec carries) dedupe and sort sensibly.
 */

export const MAX_RECORDS = 100_000;

type Row = Record<string, unknown>;

export const processInput = z
  .object({
    records: z.array(z.record(z.string(), z.unknown())).max(MAX_RECORDS).describe("The records (objects) to process"),
    operation: z.enum(["summarize", "sort", "dedupe"]).describe("What to do with them"),
    field: z.string().min(1).optional().describe("Field to sort, dedupe or summarize by (sort requires it)"),
    order: z.enum(["asc", "desc"]).default("asc").describe("Sort order"),
  })
  .superRefine((input, ctx) => {
    if (input.operation === "sort" && input.field === undefined) {
      ctx.addIssue({ code: "custom", path: ["field"], message: "sort needs a field to sort by" });
    }
  });

export type ProcessInput = z.output<typeof processInput>;

export interface NumericSummary {
  count: number;
  sum: number;
  mean: number;
  min: number;
  max: number;
  median: number;
}

export interface FieldSummary {
  present: number;
  missing: number;
  distinct: number;
  types: Record<string, number>;
  numeric?: NumericSummary;
}

export type ProcessResult =
  | { operation: "summarize"; count: number; fields: Record<string, FieldSummary> }
  | { operation: "sort"; count: number; records: Row[] }
  | { operation: "dedupe"; count: number; removed: number; records: Row[] };

export function processRecords(input: ProcessInput): ProcessResult {
  const { records, field } = input;
  switch (input.operation) {
    case "summarize":
      return { operation: "summarize", count: records.length, fields: summarize(records, field) };
    case "sort":
      return { operation: "sort", count: records.length, records: sortBy(records, field as string, input.order) };
    case "dedupe": {
      const kept = dedupe(records, field);
      return { operation: "dedupe", count: kept.length, removed: records.length - kept.length, records: kept };
    }
  }
}

function summarize(records: Row[], only: string | undefined): Record<string, FieldSummary> {
  const names = only === undefined ? [...new Set(records.flatMap((r) => Object.keys(r)))].sort() : [only];
  const fields: Record<string, FieldSummary> = {};
  for (const name of names) {
    const types: Record<string, number> = {};
    const distinct = new Set<string>();
    const numbers: number[] = [];
    let present = 0;
    for (const record of records) {
      if (!Object.hasOwn(record, name)) continue;
      const value = record[name];
      present++;
      const type = typeOf(value);
      types[type] = (types[type] ?? 0) + 1;
      distinct.add(canonicalKey(value));
      if ((type === "number" && Number.isFinite(value)) || type === "bigint") numbers.push(Number(value));
    }
    const summary: FieldSummary = { present, missing: records.length - present, distinct: distinct.size, types };
    if (numbers.length > 0) summary.numeric = numericSummary(numbers);
    fields[name] = summary;
  }
  return fields;
}

function numericSummary(values: number[]): NumericSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    count: sorted.length,
    sum,
    mean: sum / sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    median,
  };
}

function sortBy(records: Row[], field: string, order: "asc" | "desc"): Row[] {
  const direction = order === "asc" ? 1 : -1;
  return [...records].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    // Absent and null sort last in both orders: they are "no value", not a small value.
    const xEmpty = x === undefined || x === null;
    const yEmpty = y === undefined || y === null;
    if (xEmpty || yEmpty) return Number(xEmpty) - Number(yEmpty);
    return direction * compareValues(x, y);
  });
}

function dedupe(records: Row[], field: string | undefined): Row[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const key = canonicalKey(field === undefined ? record : record[field]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Numbers (and bigints) before strings before booleans before dates before everything else. */
const TYPE_RANK: Record<string, number> = { number: 0, bigint: 0, string: 1, boolean: 2, date: 3 };

function compareValues(x: unknown, y: unknown): number {
  const rankX = TYPE_RANK[typeOf(x)] ?? 4;
  const rankY = TYPE_RANK[typeOf(y)] ?? 4;
  if (rankX !== rankY) return rankX - rankY;
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  const a = rankX === 4 ? canonicalKey(x) : (x as number | bigint | string | boolean);
  const b = rankY === 4 ? canonicalKey(y) : (y as number | bigint | string | boolean);
  // Relational operators, not localeCompare: the order must not depend on the host's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "bytes";
  if (value instanceof Date) return "date";
  return typeof value;
}

/** A string equal for equal contents: object keys sorted, bigint/bytes/dates tagged so they never collide with strings. */
export function canonicalKey(value: unknown): string {
  switch (typeOf(value)) {
    case "bigint":
      return `${value}n`;
    case "bytes":
      return `b64:${Buffer.from(value as Uint8Array).toString("base64")}`;
    case "date":
      return `date:${(value as Date).toISOString()}`;
    case "array":
      return `[${(value as unknown[]).map(canonicalKey).join(",")}]`;
    case "object": {
      if (value instanceof Map) return `map{${[...value].map(([k, v]) => `${canonicalKey(k)}:${canonicalKey(v)}`)}}`;
      const entries = Object.keys(value as object)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalKey((value as Row)[key])}`);
      return `{${entries.join(",")}}`;
    }
    case "string":
      return JSON.stringify(value);
    default:
      // number (NaN and Infinity included), boolean, null, undefined.
      return String(value);
  }
}

export const processTool = defineTool({
  name: "process",
  description: "Summarize, sort (by field) or dedupe a list of records; deterministic.",
  input: processInput,
  handler: (input) => processRecords(input),
});
