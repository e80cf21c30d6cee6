// 10,000 sequential calls: how much the client and the host grow. Memory is read
// after two forced GCs before and after the calls (warm-up calls come first, so
// JIT code and pools allocated once do not count). Fresh processes every run.
import { measureSides } from "../lib/env.mjs";

const MB = 1024 * 1024;

const growthRow = (id, label, metric, process, goals) => ({
  id,
  label,
  unit: "MB",
  better: "lower",
  ratio: null,
  baseline: (r) => r.baseline[process][metric],
  toolbridge: (r) => r.toolbridge[process][metric],
  goals,
});

export default {
  name: "memory-calls",
  title: "10,000 calls, memory growth",
  requires: ["host", "client"],
  freshProcessesPerRun: true,
  counts: { full: { calls: 10_000, warmup: 1000 }, smoke: { calls: 100, warmup: 10 } },
  rows: [
    growthRow("client-rss", "client RSS growth", "rss", "client", [
      { on: "toolbridge", op: "<", value: 20, note: "spec 100" },
    ]),
    growthRow("host-rss", "host RSS growth", "rss", "host", [
      { on: "toolbridge", op: "<", value: 20, note: "spec 100" },
    ]),
    growthRow("client-heap", "client heap retained after GC", "heap", "client", [
      { on: "toolbridge", op: "<", value: 5, note: "spec 50" },
    ]),
    growthRow("host-heap", "host heap retained after GC", "heap", "host", [
      { on: "toolbridge", op: "<", value: 5, note: "spec 50" },
    ]),
    // Records kept in ArrayBuffers (outside the JS heap) are retained all the same.
    growthRow("host-heap-buffers", "host heap + ArrayBuffers retained after GC", "heapAndBuffers", "host", [
      { on: "toolbridge", op: "<", value: 5, note: "spec 50" },
    ]),
  ],
  async measure(env, counts, runIndex) {
    return measureSides(env, runIndex, async (side) => {
      const client = await env.client([side]);
      const { proc: server } = await env.server(side);
      await client.call("calls", { side, count: counts.warmup });
      const before = { client: await client.call("memory"), host: await server.call("memory") };
      await client.call("calls", { side, count: counts.calls });
      const after = { client: await client.call("memory"), host: await server.call("memory") };
      const growth = (process) => ({
        rss: (after[process].rssBytes - before[process].rssBytes) / MB,
        heap: (after[process].heapUsedBytes - before[process].heapUsedBytes) / MB,
        heapAndBuffers:
          (after[process].heapUsedBytes +
            (after[process].arrayBuffersBytes ?? 0) -
            before[process].heapUsedBytes -
            (before[process].arrayBuffersBytes ?? 0)) /
          MB,
      });
      return { client: growth("client"), host: growth("host") };
    });
  },
};
