// Server streaming of 10 MB and 100 MB in 64 KB chunks, client's default window
// (the baseline client is given the same window, see lib/grpc-options.mjs).
import { DEFAULT_LIMITS } from "@toolbridge/protocol";
import { measureSides } from "../lib/env.mjs";

const CHUNK = DEFAULT_LIMITS.streamChunkBytes;
const MB = 1024 * 1024;

const rateRow = (id, label, goals) => ({
  id,
  label,
  unit: "MB/s",
  better: "higher",
  baseline: (r) => r.baseline[id],
  toolbridge: (r) => r.toolbridge[id],
  goals,
});

export default {
  name: "stream",
  title: "server stream in 64 KB chunks",
  requires: ["host", "client"],
  counts: {
    full: { smallBytes: 10 * MB, largeBytes: 100 * MB },
    smoke: { smallBytes: 4 * CHUNK, largeBytes: 8 * CHUNK },
  },
  rows: [
    rateRow("10MB", "10 MB", [{ on: "ratio", op: ">=", value: 0.9 }]),
    rateRow("100MB", "100 MB", [
      { on: "ratio", op: ">=", value: 0.9 },
      { on: "toolbridge", op: ">=", value: 800, note: "absolute" },
    ]),
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    const rate = async (side, bytes) =>
      (await client.call("stream", { side, count: bytes / CHUNK, chunkBytes: CHUNK })).megabytesPerSecond;
    return measureSides(env, runIndex, async (side) => {
      await rate(side, counts.smallBytes); // warm-up: JIT and window growth
      return { "10MB": await rate(side, counts.smallBytes), "100MB": await rate(side, counts.largeBytes) };
    });
  },
};
