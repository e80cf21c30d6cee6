// What the extra hop to a worker costs. A host runs as its own process
// (supervised_host.mjs) with one TypeScript and one Python worker; this process
// is the client. p50 of ~2000 sequential calls of the host-local `host_echo`
// against the same echo served by each worker, and the ratio (goal <= 2x: the
// worker call is client -> host -> worker, the local one client -> host).
//   node --import ./packages/host/src/workers/testing/register.mjs examples/workers/measure-overhead.mjs [calls]
// (or plain `node` after `npm run build`).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ToolBridge } from "@toolbridge/client";

const calls = Number(process.argv[2] ?? 2000);
const here = new URL(".", import.meta.url).pathname;
const loader = process.execArgv.includes("--import")
  ? ["--import", process.execArgv[process.execArgv.indexOf("--import") + 1]]
  : [];

const config = {
  workers: [
    { command: "/usr/bin/python3", args: [`${here}python_worker.py`], name: "py" },
    { command: process.execPath, args: [...loader, `${here}ts_worker.mjs`], name: "ts" },
  ],
};
const host = spawn(process.execPath, [...loader, `${here}supervised_host.mjs`, JSON.stringify(config)], {
  stdio: ["ignore", "pipe", "inherit"],
});
const address = await new Promise((resolve, reject) => {
  let listening = "";
  createInterface({ input: host.stdout }).on("line", (line) => {
    if (line.startsWith("toolbridge listening on ")) listening = line.split(" ").at(-1);
    if (line.startsWith("worker pids: ")) resolve(listening);
  });
  host.once("exit", (code) => reject(new Error(`host exited (${code}) before its workers were ready`)));
});

const bridge = new ToolBridge(address, { retry: false });
await bridge.initialize("measure-overhead");
const targets = { "host-local": "host_echo", "ts worker": "ts_echo", "python worker": "echo" };
const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
const payload = { value: { id: 7, name: "x", tags: ["a", "b"] } };

for (const tool of Object.values(targets)) for (let i = 0; i < 200; i++) await bridge.callTool(tool, payload);
// Interleaved rounds, so drift in machine load hits every target alike.
const round = 100;
for (let done = 0; done < calls; done += round) {
  for (const [label, tool] of Object.entries(targets)) {
    for (let i = 0; i < round; i++) {
      const start = performance.now();
      await bridge.callTool(tool, payload);
      samples[label].push(performance.now() - start);
    }
  }
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const base = quantile(samples["host-local"], 0.5);
const report = {};
for (const [label, values] of Object.entries(samples)) {
  report[label] = {
    calls: values.length,
    p50_ms: Number(quantile(values, 0.5).toFixed(3)),
    p99_ms: Number(quantile(values, 0.99).toFixed(3)),
    p50_ratio_vs_host_local: Number((quantile(values, 0.5) / base).toFixed(2)),
  };
}
console.log(JSON.stringify(report, null, 2));
await bridge.close();
host.kill("SIGTERM");
