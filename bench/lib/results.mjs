// Results as JSON (bench/results/<timestamp>.json, git-ignored) and the regression
// check against a saved results file (bench/baseline.json).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** A ratio more than this much worse than the saved one is a regression (the spec's threshold). */
export const REGRESSION_TOLERANCE = 0.1;

export const defaultResultsPath = () =>
  fileURLToPath(new URL(`../results/${new Date().toISOString().replace(/[:.]/g, "-")}.json`, import.meta.url));

export function resultsDocument(scenarios, { smoke }) {
  return {
    startedAt: new Date().toISOString(),
    mode: smoke ? "smoke" : "full",
    node: process.version,
    cpus: cpus().length,
    scenarios,
  };
}

export function writeResults(path, document) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
}

/**
 * Every ratio in `current` that is more than 10% worse than the same row's ratio
 * in the saved file. "Worse" follows the row's direction: higher for rows where
 * lower is better (latency), lower for rows where higher is better (throughput).
 * Rows marked `compare: "toolbridge"` are ratios in themselves (a speedup, a
 * scaling factor), so their toolbridge figure is compared.
 */
export function findRegressions(current, savedPath) {
  const saved = JSON.parse(readFileSync(savedPath, "utf8"));
  const savedRatios = new Map();
  for (const scenario of saved.scenarios ?? [])
    for (const row of scenario.rows ?? []) {
      const figure = comparedFigure(row);
      if (figure !== undefined) savedRatios.set(`${scenario.name}/${row.id}`, figure);
    }

  const regressions = [];
  for (const scenario of current.scenarios) {
    for (const row of scenario.rows) {
      const key = `${scenario.name}/${row.id}`;
      const before = savedRatios.get(key);
      if (before === undefined) continue;
      const now = comparedFigure(row);
      if (now === undefined) {
        regressions.push({ key, before, now: undefined, why: `${scenario.status}: ${scenario.reason ?? "no ratio"}` });
        continue;
      }
      const worse =
        row.better === "higher" ? now < before * (1 - REGRESSION_TOLERANCE) : now > before * (1 + REGRESSION_TOLERANCE);
      if (worse) regressions.push({ key, before, now, why: `${row.better} is better` });
    }
  }
  return regressions;
}

const comparedFigure = (row) => (row.compare === "toolbridge" ? row.toolbridge : row.ratio)?.median;
