// `toolbridge serve --demo` from process spawn to its "toolbridge listening on"
// line, next to the baseline server script from spawn to its own ready line.
import { fileURLToPath } from "node:url";
import { CLI_BIN, REPO_ROOT } from "../lib/availability.mjs";
import { timeToReady } from "../lib/spawn-ready.mjs";

const BASELINE_SERVER = fileURLToPath(new URL("../servers/baseline-server.mjs", import.meta.url));

const start = {
  baseline: () => timeToReady(process.execPath, [BASELINE_SERVER, "0"], "baseline listening on", { cwd: REPO_ROOT }),
  toolbridge: () =>
    timeToReady(process.execPath, [CLI_BIN, "serve", "--demo", "--port", "0"], "toolbridge listening on", {
      cwd: REPO_ROOT,
    }),
};

export default {
  name: "serve-ready",
  title: "process start to listening",
  requires: ["cli"],
  minRuns: 5,
  counts: { full: {}, smoke: {} },
  rows: [
    {
      id: "ready",
      label: "spawn to listening",
      unit: "ms",
      better: "lower",
      baseline: (r) => r.baseline,
      toolbridge: (r) => r.toolbridge,
      goals: [{ on: "toolbridge", op: "<", value: 300 }],
    },
  ],
  async measure(env, _counts, runIndex) {
    const result = {};
    for (const side of env.sidesFor(runIndex)) result[side] = await start[side]();
    return result;
  },
};
