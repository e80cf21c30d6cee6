// A host that starts and supervises worker processes.
//   node examples/workers/supervised_host.mjs '{"workers":[{"command":"/usr/bin/python3","args":["examples/workers/python_worker.py"],"count":2}]}'
// Prints "toolbridge listening on HOST:PORT" and "worker pids: ..." once the
// workers are ready; SIGTERM drains and stops them. Without an argument it runs
// two Python workers from python_worker.py.
import { createHost } from "@toolbridge/host";
import { countingTools } from "./counting_tools.mjs";

const here = new URL(".", import.meta.url).pathname;
const defaults = {
  workers: [{ command: "/usr/bin/python3", args: [`${here}python_worker.py`], count: 2 }],
};
const config = process.argv[2] ? JSON.parse(process.argv[2]) : defaults;

const host = await createHost({
  port: 0,
  host: "127.0.0.1",
  logLevel: config.logLevel ?? "warn",
  tools: countingTools(),
  workers: config.workers,
  workerOptions: config.workerOptions,
});
process.stdout.write(`toolbridge listening on ${host.address}\n`);
process.stdout.write(`worker pids: ${host.workers.supervisor?.pids().join(",") ?? ""}\n`);
host.shutdownOnSignals({ graceMs: 2_000 });
