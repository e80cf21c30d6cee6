#!/usr/bin/env node
// Measures `toolbridge serve --demo --port 0` from spawn to its "toolbridge listening on" line
// (issue 3: < 1 s; issue 11: < 300 ms), next to a bare grpc-js server started the same way in the
// same run (the machine's floor, so a busy machine shows as both rising), and counts the ES and
// CommonJS modules loaded before that line (a bundle file counts once). Run `npm run build` first.
// Usage: node packages/cli/scripts/measure-startup.mjs [runs=10]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadedPackages } from "./loaded-packages.mjs";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const runs = Number(process.argv[2] ?? 10);
const READY = "toolbridge listening on";

const SERVE = [bin, "serve", "--demo", "--port", "0"];
// The floor: node loading @grpc/grpc-js and binding a server with no services.
const BARE = [
  "--input-type=module",
  "-e",
  `import { Server, ServerCredentials } from "@grpc/grpc-js";
new Server().bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log("${READY} 127.0.0.1:" + port);
});`,
];

/** CPU ms (user + system) a live process has used, from /proc (Linux; 10 ms ticks): robust to a busy machine. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Spawns node once; resolves with ms (and CPU ms) to the ready line and the stderr text seen until then. */
function startOnce(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
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
      const cpu = cpuMs(child.pid);
      const seen = stderr;
      child.once("exit", () => resolve({ ms, cpu, stderr: seen }));
      child.kill("SIGTERM");
    });
    child.once("exit", (code) => {
      if (!stdout.includes(READY)) reject(new Error(`serve exited ${code} before ready:\n${stderr}`));
    });
  });
}

// Interleaved, so both see the same machine load.
const serveMs = [];
const serveCpu = [];
const bareMs = [];
const bareCpu = [];
for (let i = 0; i < runs; i++) {
  const serve = await startOnce(SERVE);
  serveMs.push(serve.ms);
  serveCpu.push(serve.cpu);
  const bare = await startOnce(BARE);
  bareMs.push(bare.ms);
  bareCpu.push(bare.cpu);
}
const summary = (label, times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${label}, ${runs} runs: min ${sorted[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`,
  );
  return median;
};
const serveMedian = summary("serve --demo to ready", serveMs);
summary("  CPU used until then ", serveCpu);
const bareMedian = summary("bare grpc-js server  ", bareMs);
summary("  CPU used until then ", bareCpu);
console.log(`serve - bare (medians): ${(serveMedian - bareMedian).toFixed(0)} ms`);

// NODE_DEBUG=module logs every CJS load; ESM loads do not show there, so count ESM files
// with a loader hook that records each resolved file: URL.
const hook = new URL("./count-modules-hook.mjs", import.meta.url).href;
const { stderr } = await startOnce(SERVE, { NODE_OPTIONS: `--import ${hook}` });
const loaded = loadedPackages(
  stderr
    .split("\n")
    .filter((line) => line.startsWith("module-load "))
    .map((line) => line.slice("module-load ".length)),
);
const bundled = loaded.filter((file) => file.bundled);
console.log(
  `module files loaded before ready: ${loaded.length} (${bundled.length} of the bundle, holding ${new Set(bundled.flatMap((file) => file.packages)).size} packages)`,
);
const byPackage = new Map();
for (const { packages } of loaded.filter((file) => !file.bundled)) {
  for (const name of packages) byPackage.set(name, (byPackage.get(name) ?? 0) + 1);
}
for (const [name, count] of [...byPackage].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(count).padStart(4)} ${name}`);
