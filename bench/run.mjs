// toolbridge benchmarks: every scenario next to a raw grpc-js baseline measured in
// the same run, printed as a table of medians [min–max] and ratios, written as
// JSON, and optionally checked against a saved results file.
//   node bench/run.mjs [--smoke] [--only a,b] [--runs N] [--compare bench/baseline.json]
import { resolve } from "node:path";
import { parseArgs, USAGE } from "./lib/args.mjs";
import { createEnv } from "./lib/env.mjs";
import { defaultResultsPath, findRegressions, resultsDocument, writeResults } from "./lib/results.mjs";
import { runScenario } from "./lib/runner.mjs";
import { formatTable } from "./lib/table.mjs";
import { SCENARIOS } from "./scenarios/index.mjs";

const options = parseArgs(process.argv.slice(2));
if (options.help) {
  console.log(`${USAGE}\nscenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(0);
}
// Read by lib/env.mjs when it forks the measured processes.
if (options.cpuProfDir) process.env.BENCH_CPU_PROF = resolve(options.cpuProfDir);
const unknown = (options.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(", ")}; scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

const selected = options.only ? SCENARIOS.filter((s) => options.only.includes(s.name)) : SCENARIOS;
const sharedEnv = options.smoke ? createEnv() : undefined;
const scenarios = [];
try {
  for (const scenario of selected) {
    process.stderr.write(`[bench] ${scenario.name}…\n`);
    scenarios.push(await runScenario(scenario, options, sharedEnv));
  }
} finally {
  await sharedEnv?.closeAll();
}
const document = resultsDocument(scenarios, options);
console.log(formatTable(document));

if (options.writeJson) {
  const path = options.json ?? defaultResultsPath();
  writeResults(path, document);
  console.log(`\nresults: ${path}`);
}

let exitCode = scenarios.some((s) => s.status === "error") ? 1 : 0;
if (options.compare) {
  const regressions = findRegressions(document, options.compare);
  if (regressions.length === 0) console.log(`no ratio more than 10% worse than ${options.compare}`);
  for (const r of regressions)
    console.log(`REGRESSION ${r.key}: ratio ${r.before.toFixed(3)} -> ${r.now?.toFixed(3) ?? "missing"} (${r.why})`);
  if (regressions.length > 0) exitCode = 1;
}
process.exitCode = exitCode;
