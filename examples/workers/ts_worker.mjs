// A TypeScript/JavaScript worker: tools declared with defineTool, served to a host.
//   node examples/workers/ts_worker.mjs 127.0.0.1:50051
// or started by the host (address from $TOOLBRIDGE_HOST_ADDRESS). The worker
// validates arguments exactly as the host would (same defineTool code).
import { serveWorker } from "@toolbridge/client/worker";
import { defineTool } from "@toolbridge/host";
import { z } from "zod";

const tools = [
  defineTool({
    name: "ts_add",
    description: "Adds two integers.",
    input: z.object({ a: z.number().int(), b: z.number().int().default(1) }),
    handler: ({ a, b }) => a + b,
  }),
  defineTool({
    name: "ts_echo",
    description: "Returns its input.",
    input: z.object({ value: z.unknown() }),
    handler: ({ value }) => value,
  }),
  defineTool({
    name: "ts_ticks",
    description: "Streams 0..n-1.",
    input: z.object({ n: z.number().int().min(0) }),
    async *handler({ n }) {
      for (let i = 0; i < n; i++) yield i;
    },
  }),
  defineTool({
    name: "ts_record_after",
    description: "Waits, then records one completed execution with the host's counter_incr tool.",
    input: z.object({ key: z.string(), delay_ms: z.number().int() }),
    async handler({ key, delay_ms }, ctx) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, delay_ms);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
      return ctx.callTool("counter_incr", { key });
    },
  }),
  defineTool({
    name: "ts_nested_sleep",
    description: "Calls the host's sleep_ms tool (cancellation reaches it).",
    input: z.object({ ms: z.number().int() }),
    handler: ({ ms }, ctx) => ctx.callTool("sleep_ms", { ms }),
  }),
  defineTool({
    name: "ts_budget",
    description: "Time left for this call, and what a nested call gets.",
    input: z.object({}),
    async handler(_args, ctx) {
      return { remaining_ms: ctx.remainingMs(), nested_ms: await ctx.callTool("remaining_budget") };
    },
  }),
  defineTool({
    name: "ts_remember",
    description: "Writes a session variable through the host and reads it back.",
    input: z.object({ name: z.string(), value: z.string() }),
    async handler({ name, value }, ctx) {
      await ctx.session.setVariable(name, value);
      return ctx.session.getVariable(name);
    },
  }),
];

const address = process.argv[2];
const sessionId = process.argv[3];
const worker = await serveWorker(address, tools, { name: "ts_worker", ...(sessionId ? { sessionId } : {}) });
process.stderr.write(`ts worker ${worker.workerId} ready\n`);
process.once("SIGTERM", () => void worker.close(5_000).then(() => process.exit(0)));
process.once("SIGINT", () => void worker.close(5_000).then(() => process.exit(0)));
