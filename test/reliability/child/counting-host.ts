// The host every child-process test runs (restarts, soak): the counting tools, silent logs,
// port from TOOLBRIDGE_PORT (0 = any free port), stopped by SIGTERM/SIGINT.
import { createHost, type Host } from "@toolbridge/host";
import { countingTools, ToolCounter } from "../counting-tools.js";

export async function startCountingHost(): Promise<Host> {
  const host = await createHost({
    port: Number(process.env.TOOLBRIDGE_PORT ?? 0),
    host: "127.0.0.1",
    logLevel: "silent",
    tools: countingTools(new ToolCounter()),
    // Short soaks shrink the idempotency window so the cache reaches its steady size early.
    ...(process.env.TOOLBRIDGE_IDEMPOTENCY_WINDOW_MS
      ? { idempotencyWindowMs: Number(process.env.TOOLBRIDGE_IDEMPOTENCY_WINDOW_MS) }
      : {}),
  });
  host.shutdownOnSignals({ graceMs: 500 });
  return host;
}
