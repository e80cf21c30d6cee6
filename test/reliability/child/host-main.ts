// A host in its own process, for tests that kill, restart or watch it (fds, RSS).
// Port from TOOLBRIDGE_PORT (0 = any free port); prints "host listening on ADDRESS".
import { createHost } from "@toolbridge/host";
import { countingTools, ToolCounter } from "../counting-tools.js";

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
// Soak probe: SIGUSR2 forces a full GC (node --expose-gc) and prints the live heap, the leak signal RSS only hints at.
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external } = process.memoryUsage();
  console.log(`live heap ${heapUsed} external ${external}`);
});
console.log(`host listening on ${host.address}`);
