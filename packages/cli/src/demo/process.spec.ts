import { describe, expect, it } from "vitest";
import { canonicalKey, processInput, processRecords } from "./process.js";

const people = [
  { name: "Ada", age: 36, team: "core" },
  { name: "Grace", age: 45, team: "infra" },
  { name: "Linus", team: "core" },
  { name: "Alan", age: 41, team: null },
  { name: "Ada", age: 36, team: "core" },
];

const run = (input: Record<string, unknown>) => processRecords(processInput.parse(input));

describe("process", () => {
  it("summarizes every field: presence, types, distinct values and numeric stats", () => {
    const result = run({ records: people, operation: "summarize" });
    expect(result).toEqual({
      operation: "summarize",
      count: 5,
      fields: {
        age: {
          present: 4,
          missing: 1,
          distinct: 3,
          types: { number: 4 },
          numeric: { count: 4, sum: 158, mean: 39.5, min: 36, max: 45, median: 38.5 },
        },
        name: { present: 5, missing: 0, distinct: 4, types: { string: 5 } },
        team: { present: 5, missing: 0, distinct: 3, types: { string: 4, null: 1 } },
      },
    });
  });

  it("summarizes one field when asked, counting bigints as numbers", () => {
    const result = run({ records: [{ n: 1n }, { n: 2 }, { n: "x" }], operation: "summarize", field: "n" });
    expect(result).toEqual({
      operation: "summarize",
      count: 3,
      fields: {
        n: {
          present: 3,
          missing: 0,
          distinct: 3,
          types: { bigint: 1, number: 1, string: 1 },
          numeric: { count: 2, sum: 3, mean: 1.5, min: 1, max: 2, median: 1.5 },
        },
      },
    });
  });

  it("sorts stably by a field, missing and null last in both orders", () => {
    const asc = run({ records: people, operation: "sort", field: "age" });
    expect(asc.operation === "sort" && asc.records.map((r) => `${r.name}:${r.age}`)).toEqual([
      "Ada:36",
      "Ada:36",
      "Alan:41",
      "Grace:45",
      "Linus:undefined",
    ]);
    const desc = run({ records: people, operation: "sort", field: "team", order: "desc" });
    expect(desc.operation === "sort" && desc.records.map((r) => r.name)).toEqual([
      "Grace",
      "Ada",
      "Linus",
      "Ada",
      "Alan",
    ]);
  });

  it("sorts mixed types numbers < strings < booleans, and dates by time", () => {
    const records = [{ v: true }, { v: "b" }, { v: 10n }, { v: 2 }, { v: "a" }];
    const sorted = run({ records, operation: "sort", field: "v" });
    expect(sorted.operation === "sort" && sorted.records.map((r) => r.v)).toEqual([2, 10n, "a", "b", true]);
    const dates = [{ at: new Date("2024-05-01") }, { at: new Date("2023-01-01") }];
    const byDate = run({ records: dates, operation: "sort", field: "at" });
    expect(byDate.operation === "sort" && byDate.records[0]?.at).toEqual(new Date("2023-01-01"));
  });

  it("dedupes whole records by content (key order ignored) or by one field", () => {
    const records = [
      { a: 1, b: [1, 2] },
      { b: [1, 2], a: 1 },
      { a: 1, b: [2, 1] },
    ];
    expect(run({ records, operation: "dedupe" })).toEqual({
      operation: "dedupe",
      count: 2,
      removed: 1,
      records: [records[0], records[2]],
    });
    const byTeam = run({ records: people, operation: "dedupe", field: "team" });
    expect(byTeam.operation === "dedupe" && byTeam.records.map((r) => r.name)).toEqual(["Ada", "Grace", "Alan"]);
  });

  it("keeps values of different types apart", () => {
    const keys = [1, "1", 1n, true, "true", null, "null", new Uint8Array([1]), [1], { 0: 1 }].map(canonicalKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("rejects sort without a field and unknown operations", () => {
    const noField = processInput.safeParse({ records: [], operation: "sort" });
    expect(noField.success).toBe(false);
    expect(noField.error?.issues[0]).toMatchObject({ path: ["field"], message: "sort needs a field to sort by" });
    expect(processInput.safeParse({ records: [], operation: "shuffle" }).success).toBe(false);
    expect(processInput.safeParse({ records: [1, 2], operation: "dedupe" }).success).toBe(false);
  });
});
