// Host tools the worker examples and tests call back into: a per-session counter
// (proves how often a worker tool really completed), the budget a nested call
// receives, a sleep that reports whether it was cancelled, and an echo (the
// host-local baseline of measure-overhead.mjs).
import { defineTool } from "@toolbridge/host";
import { z } from "zod";

export function countingTools() {
  const counts = new Map();
  const cancelled = new Map();
  const tools = [
    defineTool({
      name: "counter_incr",
      description: "Adds one to a session's counter and returns it.",
      input: z.object({ key: z.string() }),
      handler: ({ key }, ctx) => {
        const id = `${ctx.sessionId}/${key}`;
        counts.set(id, (counts.get(id) ?? 0) + 1);
        return counts.get(id);
      },
    }),
    defineTool({
      name: "host_echo",
      description: "Returns its argument.",
      input: z.object({ value: z.unknown() }),
      handler: ({ value }) => value,
    }),
    defineTool({
      name: "counter_get",
      description: "A session's counter.",
      input: z.object({ key: z.string() }),
      handler: ({ key }, ctx) => counts.get(`${ctx.sessionId}/${key}`) ?? 0,
    }),
    defineTool({
      name: "remaining_budget",
      description: "Milliseconds this call was given.",
      input: z.object({}),
      handler: (_args, ctx) => ctx.deadline - Date.now(),
    }),
    defineTool({
      name: "sleep_ms",
      description: "Sleeps; records when it was cancelled first.",
      input: z.object({ ms: z.number().int() }),
      handler: ({ ms }, ctx) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve("slept"), ms);
          ctx.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            cancelled.set(ctx.sessionId, (cancelled.get(ctx.sessionId) ?? 0) + 1);
            reject(ctx.signal.reason);
          });
        }),
    }),
    defineTool({
      name: "cancelled_count",
      description: "How many sleep_ms calls of this session were cancelled.",
      input: z.object({}),
      handler: (_args, ctx) => cancelled.get(ctx.sessionId) ?? 0,
    }),
  ];
  return tools;
}
