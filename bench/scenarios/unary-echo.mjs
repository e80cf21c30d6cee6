// Small-payload echo, one call at a time: the per-call cost of toolbridge
// (decode, validate, dispatch, encode on both ends) on top of a raw grpc-js call.
import { measureSides } from "../lib/env.mjs";
import { latencyRow } from "../lib/rows.mjs";

export default {
  name: "unary-echo",
  title: "unary echo, small payload, sequential",
  requires: ["host", "client"],
  counts: { full: { count: 5000, warmup: 500 }, smoke: { count: 30, warmup: 5 } },
  rows: [
    latencyRow("p50", [{ on: "ratio", op: "<=", value: 1.15 }]),
    latencyRow("p99", [{ on: "ratio", op: "<=", value: 1.5 }]),
    latencyRow("mean", [{ on: "toolbridge", op: "<", value: 5000, note: "spec floor 5 ms" }]),
    latencyRow("max", [{ on: "toolbridge", op: "<", value: 30000, note: "spec floor 30 ms" }]),
    latencyRow("clientCpu", [], "client CPU per call"),
    latencyRow("hostCpu", [], "host CPU per call"),
  ],
  async measure(env, counts, runIndex) {
    const client = await env.client();
    return measureSides(env, runIndex, async (side) => {
      const { proc: server } = await env.server(side);
      // CPU per call on each end says where any extra latency is spent; it is
      // also much less disturbed by other load on the machine than wall time.
      const calls = counts.count + counts.warmup;
      const cpuBefore = { client: await client.call("cpu"), host: await server.call("cpu") };
      const latency = await client.call("echoLatency", { side, ...counts });
      const cpuAfter = { client: await client.call("cpu"), host: await server.call("cpu") };
      return {
        ...latency,
        clientCpu: (cpuAfter.client - cpuBefore.client) / calls,
        hostCpu: (cpuAfter.host - cpuBefore.host) / calls,
      };
    });
  },
};
