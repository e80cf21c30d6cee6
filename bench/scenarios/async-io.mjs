// A tool that spends 10 ms awaiting I/O (a timer): calls must overlap, so calls/s
// should grow with the number in flight. The baseline server's handler awaits the
// same 10 ms.
import { measureSides } from "../lib/env.mjs";

const LEVELS = [1, 10, 50];

export default {
  name: "async-io",
  title: "tool doing 10 ms of async I/O",
  requires: ["host", "client"],
  // Each level runs `rounds` x level calls, so every level takes about rounds x 10 ms.
  counts: { full: { rounds: 60 }, smoke: { rounds: 2 } },
  rows: [
    ...LEVELS.map((level) => ({
      id: `inflight-${level}`,
      label: `${level} in flight`,
      unit: "calls/s",
      better: "higher",
      baseline: (r) => r.baseline[level],
      toolbridge: (r) => r.toolbridge[level],
      goals: [],
    })),
    {
      id: "scaling-10-vs-1",
      compare: "toolbridge",
      label: "scaling 10 ÷ 1 in flight",
      unit: "x",
      better: "higher",
      baseline: (r) => r.baseline[10] / r.baseline[1],
      toolbridge: (r) => r.toolbridge[10] / r.toolbridge[1],
      goals: [{ on: "toolbridge", op: ">=", value: 8, note: "spec 5" }],
    },
    {
      id: "scaling-50-vs-10",
      compare: "toolbridge",
      label: "scaling 50 ÷ 10 in flight",
      unit: "x",
      better: "higher",
      baseline: (r) => r.baseline[50] / r.baseline[10],
      toolbridge: (r) => r.toolbridge[50] / r.toolbridge[10],
      goals: [{ on: "toolbridge", op: ">=", value: 3, note: "spec 2" }],
    },
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    return measureSides(env, runIndex, async (side) => {
      const bySide = {};
      for (const inFlight of LEVELS) {
        const total = counts.rounds * inFlight;
        const warmup = inFlight;
        bySide[inFlight] = (
          await client.call("throughput", { side, op: "sleep", inFlight, total, warmup })
        ).callsPerSecond;
      }
      return bySide;
    });
  },
};
