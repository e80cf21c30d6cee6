// Calls per second on one channel with 1/10/50/100 calls in flight.
import { measureSides } from "../lib/env.mjs";

const LEVELS = [1, 10, 50, 100];

export default {
  name: "throughput",
  title: "throughput on one channel, small echo",
  requires: ["host", "client"],
  counts: { full: { total: 4000, warmup: 400 }, smoke: { total: 20, warmup: 2 } },
  rows: LEVELS.map((level) => ({
    id: `inflight-${level}`,
    label: `${level} in flight`,
    unit: "calls/s",
    better: "higher",
    baseline: (r) => r.baseline[level],
    toolbridge: (r) => r.toolbridge[level],
    goals: [{ on: "ratio", op: ">=", value: 0.9 }],
  })),
  async measure(env, counts, runIndex) {
    const client = await env.client();
    return measureSides(env, runIndex, async (side) => {
      const bySide = {};
      for (const inFlight of LEVELS) {
        const { callsPerSecond } = await client.call("throughput", { side, op: "echo", inFlight, ...counts });
        bySide[inFlight] = callsPerSecond;
      }
      return bySide;
    });
  },
};
