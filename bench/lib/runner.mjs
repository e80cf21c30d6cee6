// Runs one scenario `runs` times and turns the per-run results into table rows:
// for each row, the median/min/max across runs of the baseline value, the
// toolbridge value and their ratio (the ratio is taken within each run, where
// both sides were measured back to back, then aggregated).
import { checkRequirements, Unavailable } from "./availability.mjs";
import { createEnv } from "./env.mjs";
import { acrossRuns } from "./stats.mjs";

/**
 * `sharedEnv` (smoke runs) reuses one set of processes for every scenario, to keep
 * the smoke run short; full runs give each scenario its own processes.
 */
export async function runScenario(scenario, { smoke, runs }, sharedEnv) {
  const counts = smoke ? scenario.counts.smoke : scenario.counts.full;
  const runCount = smoke ? 1 : Math.max(runs ?? 3, scenario.minRuns ?? 3);
  const started = Date.now();
  const summary = { name: scenario.name, title: scenario.title, runs: 0, counts };
  // Without toolbridge's packages the baseline side still runs, so its figures
  // stay visible; a toolbridge-only scenario is then unavailable as a whole.
  const missing = await checkRequirements(scenario.requires).then(
    () => undefined,
    (error) => {
      if (error instanceof Unavailable) return error.message;
      throw error;
    },
  );
  if (missing && scenario.toolbridgeOnly) {
    return { ...summary, status: "unavailable", reason: missing, seconds: 0, rows: scenario.rows.map(describeRow) };
  }
  const env = sharedEnv ?? createEnv();
  env.sides = missing ? ["baseline"] : ["baseline", "toolbridge"];
  try {
    const perRun = [];
    for (let runIndex = 0; runIndex < runCount; runIndex++) {
      perRun.push(await scenario.measure(env, counts, runIndex));
      if (scenario.freshProcessesPerRun && !sharedEnv) await env.closeAll();
    }
    return {
      ...summary,
      status: missing ? "partial" : "ok",
      ...(missing ? { reason: `toolbridge side unavailable: ${missing}` } : {}),
      runs: runCount,
      seconds: elapsed(started),
      rows: scenario.rows.map((row) => aggregateRow(row, perRun, env.sides.includes("toolbridge"))),
    };
  } catch (error) {
    console.error(`[bench] ${scenario.name} failed:`, error);
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ...summary, status: "error", reason, seconds: elapsed(started), rows: scenario.rows.map(describeRow) };
  } finally {
    if (!sharedEnv) await env.closeAll();
  }
}

const elapsed = (started) => (Date.now() - started) / 1000;

function describeRow(row) {
  return {
    id: row.id,
    label: row.label,
    unit: row.unit,
    better: row.better,
    ...(row.compare ? { compare: row.compare } : {}),
    goals: (row.goals ?? []).map((goal) => ({ ...goal })),
  };
}

function aggregateRow(row, perRun, toolbridgeMeasured) {
  const pick = (get) => (get ? acrossRuns(perRun.map((result) => get(result))) : undefined);
  const measuredOnly = (get) => (toolbridgeMeasured ? get : undefined);
  // `ratio: null` marks rows where a ratio means nothing (e.g. memory growth near zero).
  const ratioOf =
    row.ratio === null
      ? undefined
      : (row.ratio ?? (row.baseline && row.toolbridge ? (r) => row.toolbridge(r) / row.baseline(r) : undefined));
  const aggregated = {
    ...describeRow(row),
    baseline: pick(row.baseline),
    toolbridge: pick(measuredOnly(row.toolbridge)),
    ratio: pick(measuredOnly(ratioOf)),
  };
  aggregated.goals = aggregated.goals.map((goal) => ({ ...goal, pass: goalHolds(goal, aggregated) }));
  return aggregated;
}

const OPERATORS = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** A goal holds when the median of what it constrains (ratio or toolbridge value) satisfies it. */
function goalHolds(goal, row) {
  const measured = row[goal.on]?.median;
  return measured === undefined ? undefined : OPERATORS[goal.op](measured, goal.value);
}
