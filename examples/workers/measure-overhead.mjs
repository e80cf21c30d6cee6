// What the extra hop to a worker costs: p50 of ~2000 sequential calls of a
// host-local echo tool vs the same echo served by a TypeScript worker and by a
// Python worker, all through the TypeScript client, in one run.
//   node --import ./packages/host/src/workers/testing/register.mjs examples/workers/measure-overhead.mjs [calls]
// (or plain `node` after `npm run build`). Goal: worker p50 <= 2x host-local p50.
import { ToolBridge } from "@toolbridge/client";
import { createHost, defineTool } from "@toolbridge/host";
import { z } from "zod";

const calls = Number(process.argv[2] ?? 2000);
const here = new URL(".", import.meta.url).pathname;
const loader = new URL("../../packages/host/src/workers/testing/register.mjs", import.meta.url).pathname;
const fromSource = process.execArgv.some((arg) => arg.includes("register.mjs"));

const host = await createHost({
  port: 0,
  logLevel: "silent",
  tools: [defineTool({ name: "local_echo", input: z.object({ value: z.unknown() }), handler: ({ value }) => value })],
  workers: [
    { command: "/usr/bin/python3", args: [`${here}python_worker.py`], name: "py" },
    {
      command: process.execPath,
      args: [...(fromSource ? ["--import", loader] : []), `${here}ts_worker.mjs`],
      name: "ts",
    },
  ],
});
const bridge = new ToolBridge(host.address, { retry: false });
await bridge.initialize("measure-overhead");

const targets = { "host-local": "local_echo", "ts worker": "ts_echo", "python worker": "echo" };
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

const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const base = p(samples["host-local"], 0.5);
const report = {};
for (const [label, values] of Object.entries(samples)) {
  report[label] = {
    calls: values.length,
    p50_ms: Number(p(values, 0.5).toFixed(3)),
    p99_ms: Number(p(values, 0.99).toFixed(3)),
    p50_ratio_vs_host_local: Number((p(values, 0.5) / base).toFixed(2)),
  };
}
console.log(JSON.stringify(report, null, 2));
await bridge.close();
await host.close({ graceMs: 2_000 });
