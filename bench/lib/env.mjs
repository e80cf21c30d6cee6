// Processes a scenario uses: forked server processes (one per side) and one forked
// client process. Created lazily, closed by the runner after the scenario (or
// after every run, for scenarios that need fresh processes each time).
import { fileURLToPath } from "node:url";
import { forkWorker } from "./proc.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const SERVER_MODULES = {
  baseline: here("../servers/baseline-server.mjs"),
  toolbridge: here("../servers/toolbridge-server.mjs"),
};
const CLIENT_MODULE = here("../clients/client-worker.mjs");

/**
 * With `--cpu-prof <dir>` (BENCH_CPU_PROF), every measured process writes a V8 CPU
 * profile there (open it in Chrome DevTools, or summarize it with bench/profile-summary.mjs).
 */
const profileFlags = (name) => {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
};

/**
 * `sides` are the sides this scenario can measure: both, or only the baseline
 * while toolbridge's packages are not built yet.
 */
export function createEnv(sides = ["baseline", "toolbridge"]) {
  const servers = new Map();
  let client;
  const opened = new Set();

  return {
    sides,
    /** The sides in the order for run `runIndex` (alternating, so drift hits both alike). */
    sidesFor(runIndex) {
      return runIndex % 2 === 0 ? [...this.sides] : [...this.sides].reverse();
    },
    /** Started server of `side`: { proc, address }. */
    async server(side) {
      if (!servers.has(side)) {
        const proc = forkWorker(SERVER_MODULES[side], {
          name: `${side} server`,
          quietStdout: true,
          execArgv: profileFlags(`${side}-server`),
        });
        const started = proc.call("start").then(({ address }) => ({ proc, address }));
        servers.set(side, started);
      }
      return servers.get(side);
    },
    /** The client process, with a connection open to each of `sides`. */
    async client(open = this.sides) {
      client ??= forkWorker(CLIENT_MODULE, { name: "client", execArgv: profileFlags("client") });
      for (const side of open) {
        if (opened.has(side)) continue;
        const { address } = await this.server(side);
        await client.call("open", { side, address });
        opened.add(side);
      }
      return client;
    },
    async closeAll() {
      const closing = [];
      if (client) closing.push(client.close());
      for (const started of servers.values())
        closing.push(
          started.then(
            ({ proc }) => proc.close(),
            () => {},
          ),
        );
      await Promise.all(closing);
      client = undefined;
      opened.clear();
      servers.clear();
    },
  };
}

/** Runs `measure(side)` for both sides in this run's order; returns { baseline, toolbridge }. */
export async function measureSides(env, runIndex, measure) {
  const result = {};
  for (const side of env.sidesFor(runIndex)) result[side] = await measure(side);
  return result;
}
