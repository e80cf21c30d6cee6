// Types of results.mjs for the TypeScript tests.
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}
export interface ResultRow {
  id: string;
  label: string;
  unit?: string;
  better: "lower" | "higher";
  /** "toolbridge": the row's toolbridge figure is itself a ratio and is what --compare checks. */
  compare?: "toolbridge";
  baseline?: Stats;
  toolbridge?: Stats;
  ratio?: Stats;
  goals: { on: "ratio" | "toolbridge"; op: string; value: number; note?: string; pass?: boolean }[];
}
export interface ScenarioResult {
  name: string;
  title: string;
  status: "ok" | "partial" | "unavailable" | "error";
  reason?: string;
  rows: ResultRow[];
}
export interface ResultsDocument {
  mode: "smoke" | "full";
  scenarios: ScenarioResult[];
}
export interface Regression {
  key: string;
  before: number;
  now: number | undefined;
  why: string;
}
export const REGRESSION_TOLERANCE: number;
export function findRegressions(current: ResultsDocument, savedPath: string): Regression[];
