// The Python client (under /usr/bin/python3) calling the toolbridge host, next to
// the same Python process calling the baseline server through the generated stubs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PYTHON, REPO_ROOT } from "../lib/availability.mjs";
import { latencyRow } from "../lib/rows.mjs";

const SCRIPT = fileURLToPath(new URL("../python/bench_client.py", import.meta.url));

function runPython(side, address, { count, warmup }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      PYTHON,
      [SCRIPT, "--side", side, "--address", address, "--count", String(count), "--warmup", String(warmup)],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONPATH: `${REPO_ROOT}python` } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => {
      stdout += data;
    });
    child.stderr.on("data", (data) => {
      stderr += data;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0)
        return reject(new Error(`bench_client.py --side ${side} exited ${code}: ${stderr.trim().split("\n").at(-1)}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1)));
      } catch {
        reject(new Error(`bench_client.py printed no JSON: ${stdout.slice(-200)}`));
      }
    });
  });
}

export default {
  name: "python-client",
  title: "Python client, unary echo, sequential",
  requires: ["host", "python"],
  counts: { full: { count: 3000, warmup: 300 }, smoke: { count: 20, warmup: 5 } },
  rows: [latencyRow("p50", [{ on: "ratio", op: "<=", value: 1.3 }]), latencyRow("p99", []), latencyRow("mean", [])],
  async measure(env, counts, runIndex) {
    const result = {};
    for (const side of env.sidesFor(runIndex)) {
      const { address } = await env.server(side);
      result[side] = await runPython(side, address, counts);
    }
    return result;
  },
};
