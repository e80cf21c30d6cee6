// A 9 MB string argument echoed back: one round trip of the largest message that
// fits under the 10 MB limit.
import { measureSides } from "../lib/env.mjs";

export default {
  name: "large-args",
  title: "9 MB argument, round trip",
  requires: ["host", "client"],
  counts: { full: { bytes: 9 * 1024 * 1024, reps: 15 }, smoke: { bytes: 9 * 1024 * 1024, reps: 1 } },
  rows: [
    {
      id: "round-trip",
      label: "round trip (median of reps)",
      unit: "ms",
      better: "lower",
      baseline: (r) => r.baseline.ms,
      toolbridge: (r) => r.toolbridge.ms,
      goals: [{ on: "ratio", op: "<=", value: 1.2 }],
    },
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    return measureSides(env, runIndex, (side) => client.call("largeEcho", { side, ...counts }));
  },
};
