import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findRegressions, type ResultRow, type ResultsDocument } from "./results.mjs";

const stats = (median: number) => ({ median, min: median, max: median, runs: 3 });
const row = (id: string, better: "lower" | "higher", ratio: number | undefined): ResultRow => ({
  id,
  label: id,
  better,
  goals: [],
  ...(ratio === undefined ? {} : { ratio: stats(ratio) }),
});
const document = (rows: ResultRow[], status: "ok" | "error" = "ok"): ResultsDocument => ({
  mode: "full",
  scenarios: [{ name: "s", title: "s", status, rows }],
});

describe("findRegressions", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-compare-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const saved = join(dir, "baseline.json");
  writeFileSync(saved, JSON.stringify(document([row("latency", "lower", 1.0), row("rate", "higher", 1.0)])));

  it("accepts ratios within 10% of the saved ones, in either direction's favour", () => {
    expect(findRegressions(document([row("latency", "lower", 1.09), row("rate", "higher", 0.91)]), saved)).toEqual([]);
    expect(findRegressions(document([row("latency", "lower", 0.5), row("rate", "higher", 2)]), saved)).toEqual([]);
  });

  it("flags a lower-is-better ratio that grew by more than 10%", () => {
    const found = findRegressions(document([row("latency", "lower", 1.11), row("rate", "higher", 1)]), saved);
    expect(found.map((r) => r.key)).toEqual(["s/latency"]);
  });

  it("flags a higher-is-better ratio that fell by more than 10%", () => {
    const found = findRegressions(document([row("latency", "lower", 1), row("rate", "higher", 0.89)]), saved);
    expect(found.map((r) => r.key)).toEqual(["s/rate"]);
  });

  it("flags a ratio that is missing now (scenario failed)", () => {
    const found = findRegressions(
      document([row("latency", "lower", undefined), row("rate", "higher", 1)], "error"),
      saved,
    );
    expect(found).toMatchObject([{ key: "s/latency", now: undefined }]);
  });

  it("compares the toolbridge figure of rows that are ratios in themselves (speedups)", () => {
    const speedup = (median: number): ResultRow => ({
      id: "speedup",
      label: "speedup",
      better: "higher",
      compare: "toolbridge",
      goals: [],
      toolbridge: stats(median),
    });
    const savedSpeedup = join(dir, "speedup.json");
    writeFileSync(savedSpeedup, JSON.stringify(document([speedup(12)])));
    expect(findRegressions(document([speedup(11)]), savedSpeedup)).toEqual([]);
    expect(findRegressions(document([speedup(10)]), savedSpeedup).map((r) => r.key)).toEqual(["s/speedup"]);
  });

  it("ignores rows the saved file has no ratio for", () => {
    expect(findRegressions(document([row("new-row", "lower", 9)]), saved)).toEqual([]);
  });
});
