#!/usr/bin/env node
// Measures `toolbridge serve --demo --port 0` from spawn to its "toolbridge listening on" line
// (issue 3: < 1 s; issue 11: < 300 ms), and counts the ES/CJS modules loaded before that line.
// Usage: node packages/cli/scripts/measure-startup.mjs [runs=10]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const runs = Number(process.argv[2] ?? 10);
const READY = "toolbridge listening on";

/** Spawns the CLI once; resolves with ms to the ready line and the stderr text seen until then. */
function startOnce(env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, "serve", "--demo", "--port", "0"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!stdout.includes(READY)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const seen = stderr;
      child.once("exit", () => resolve({ ms, stderr: seen }));
      child.kill("SIGTERM");
    });
    child.once("exit", (code) => {
      if (!stdout.includes(READY)) reject(new Error(`serve exited ${code} before ready:\n${stderr}`));
    });
  });
}

const times = [];
for (let i = 0; i < runs; i++) times.push((await startOnce({})).ms);
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `serve --demo to ready, ${runs} runs: min ${times[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`,
);

// NODE_DEBUG=module logs every CJS load; ESM loads do not show there, so count ESM files
// with a loader hook that records each resolved file: URL.
const hook = new URL("./count-modules-hook.mjs", import.meta.url).href;
const { stderr } = await startOnce({ NODE_OPTIONS: `--import ${hook}` });
const loaded = stderr
  .split("\n")
  .filter((line) => line.startsWith("module-load "))
  .map((line) => line.slice("module-load ".length));
const byPackage = new Map();
for (const url of loaded) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ?? /packages\/([^/]+)\//.exec(url);
  const key = match ? match[1] : "other";
  byPackage.set(key, (byPackage.get(key) ?? 0) + 1);
}
console.log(`modules loaded before ready: ${loaded.length}`);
for (const [name, count] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(4)} ${name}`);
