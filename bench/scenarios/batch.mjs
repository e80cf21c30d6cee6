// 50 echo calls one after another vs one BatchExecuteTools of 50 (toolbridge), with
// 50 sequential raw calls as the baseline's reference point.
import { measureSides } from "../lib/env.mjs";

const SIZE = 50;

export default {
  name: "batch",
  title: `batch of ${SIZE} vs ${SIZE} sequential calls`,
  requires: ["host", "client"],
  counts: { full: { size: SIZE, reps: 20 }, smoke: { size: SIZE, reps: 1 } },
  rows: [
    {
      id: "sequential",
      label: `${SIZE} sequential calls`,
      unit: "ms",
      better: "lower",
      baseline: (r) => r.baseline.sequentialMs,
      toolbridge: (r) => r.toolbridge.sequentialMs,
      goals: [],
    },
    {
      id: "batch",
      label: `one batch of ${SIZE}`,
      unit: "ms",
      better: "lower",
      toolbridge: (r) => r.toolbridge.batchMs,
      goals: [],
    },
    {
      id: "speedup",
      compare: "toolbridge",
      label: "speedup sequential ÷ batch",
      unit: "x",
      better: "higher",
      toolbridge: (r) => r.toolbridge.sequentialMs / r.toolbridge.batchMs,
      goals: [
        { on: "toolbridge", op: ">=", value: 10 },
        { on: "toolbridge", op: ">=", value: 5, note: "spec floor" },
      ],
    },
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    return measureSides(env, runIndex, (side) => client.call("batchVsSequential", { side, ...counts }));
  },
};
