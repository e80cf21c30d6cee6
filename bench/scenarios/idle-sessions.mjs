// 10,000 sessions opened and left idle: the host's heap after GC. The baseline has
// no sessions, so this is an absolute figure.
export default {
  name: "idle-sessions",
  title: "10,000 idle sessions, host heap",
  requires: ["host"],
  toolbridgeOnly: true,
  freshProcessesPerRun: true,
  counts: { full: { sessions: 10_000 }, smoke: { sessions: 50 } },
  rows: [
    {
      id: "host-heap",
      label: "host heap after GC, with the sessions",
      unit: "MB",
      better: "lower",
      toolbridge: (r) => r.heapAfter,
      goals: [{ on: "toolbridge", op: "<", value: 100 }],
    },
    {
      id: "per-session",
      label: "host heap per session",
      unit: "KB",
      better: "lower",
      toolbridge: (r) => r.bytesPerSession / 1024,
      goals: [],
    },
  ],
  async measure(env, counts) {
    const { proc: server, address } = await env.server("toolbridge");
    const client = await env.client([]);
    const before = await server.call("memory");
    await client.call("openSessions", { address, count: counts.sessions });
    const after = await server.call("memory");
    return {
      heapAfter: after.heapUsedBytes / (1024 * 1024),
      bytesPerSession: (after.heapUsedBytes - before.heapUsedBytes) / counts.sessions,
    };
  },
};
