// Server streaming of 10 MB and 100 MB in 64 KB chunks, client's default window
// (the baseline client is given the same window, see lib/grpc-options.mjs).
import { DEFAULT_LIMITS } from "@toolbridge/protocol";
import { measureSides } from "../lib/env.mjs";
import { latencyRow, sideRow } from "../lib/rows.mjs";

const CHUNK = DEFAULT_LIMITS.streamChunkBytes;
const MB = 1024 * 1024;

const rateRow = (id, label, goals) => sideRow(id, { unit: "MB/s", better: "higher", goals, label });

export default {
  name: "stream",
  title: "server stream in 64 KB chunks",
  requires: ["host", "client"],
  counts: {
    // Warm-up of 200 MB per side: both ends keep getting faster (JIT) for the first few
    // hundred MB, and the goal is about a host that has been running, not a cold one.
    full: { warmupBytes: 200 * MB, smallBytes: 10 * MB, largeBytes: 100 * MB },
    smoke: { warmupBytes: 4 * CHUNK, smallBytes: 4 * CHUNK, largeBytes: 8 * CHUNK },
  },
  rows: [
    rateRow("10MB", "10 MB", [{ on: "ratio", op: ">=", value: 0.9 }]),
    rateRow("100MB", "100 MB", [
      { on: "ratio", op: ">=", value: 0.9 },
      { on: "toolbridge", op: ">=", value: 800, note: "absolute" },
    ]),
    // CPU per MB of the 100 MB stream on each end: where the time goes, and much less
    // disturbed by other load on the machine than MB/s.
    latencyRow("clientCpuPerMB", [], "client CPU per MB (100 MB)"),
    latencyRow("hostCpuPerMB", [], "host CPU per MB (100 MB)"),
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    const rate = async (side, bytes) =>
      (await client.call("stream", { side, count: bytes / CHUNK, chunkBytes: CHUNK })).megabytesPerSecond;
    return measureSides(env, runIndex, async (side) => {
      const { proc: server } = await env.server(side);
      await rate(side, counts.warmupBytes); // warm-up: JIT and window growth
      const small = await rate(side, counts.smallBytes);
      const cpuBefore = { client: await client.call("cpu"), host: await server.call("cpu") };
      const large = await rate(side, counts.largeBytes);
      const cpuAfter = { client: await client.call("cpu"), host: await server.call("cpu") };
      const megabytes = counts.largeBytes / MB;
      return {
        "10MB": small,
        "100MB": large,
        clientCpuPerMB: (cpuAfter.client - cpuBefore.client) / megabytes,
        hostCpuPerMB: (cpuAfter.host - cpuBefore.host) / megabytes,
      };
    });
  },
};
