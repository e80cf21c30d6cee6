// The testing strategy's test tools, as real toolbridge tools (defineTool). The
// Python suite calls them through a real host (host_fixture.mjs); each does
// what its name says, deterministically, so assertions can be exact.
import { setTimeout as sleep } from "node:timers/promises";
import { defineTool } from "@toolbridge/host";
import { z } from "zod";

/** A tool's own error type travels as ErrorInfo.type (the error's class name). */
class InventoryError extends Error {
  name = "InventoryError";
}

export function specTestTools() {
  // Calls seen per key, so flaky_tool can be slow exactly once per key.
  const flakyCalls = new Map();

  return [
    defineTool({
      name: "echo_tool",
      description: "Return `value` unchanged.",
      input: z.object({ value: z.unknown() }),
      handler: ({ value }) => value,
    }),
    defineTool({
      name: "simple_tool",
      description: "Return a short string derived from `input`.",
      input: z.object({ input: z.string() }),
      handler: ({ input }) => `processed:${input}`,
    }),
    defineTool({
      name: "any_tool",
      description: "Accept any `input` and report what arrived.",
      input: z.object({ input: z.unknown() }),
      handler: ({ input }) => ({ received: input }),
    }),
    defineTool({
      name: "large_data_processor",
      description: "Stream `data` back in chunks of `chunk_size` items, with a running total.",
      input: z.object({ data: z.array(z.unknown()), chunk_size: z.number().int().min(1).default(100) }),
      handler: async function* ({ data, chunk_size }, ctx) {
        for (let start = 0; start < data.length; start += chunk_size) {
          ctx.signal.throwIfAborted();
          yield { offset: start, items: data.slice(start, start + chunk_size) };
        }
      },
    }),
    defineTool({
      name: "flaky_tool",
      description: "Slow (`slow_ms`) on the first call for `key`, immediate afterwards; returns 'success'.",
      input: z.object({ key: z.string().default("default"), slow_ms: z.number().int().min(0).default(0) }),
      handler: async ({ key, slow_ms }, ctx) => {
        const seen = flakyCalls.get(key) ?? 0;
        flakyCalls.set(key, seen + 1);
        if (seen === 0 && slow_ms > 0) await sleep(slow_ms, undefined, { signal: ctx.signal });
        return "success";
      },
    }),
    defineTool({
      name: "rate_limited_tool",
      description: "Returns 'ok'; the host allows one call a minute.",
      input: z.object({ input: z.unknown().optional() }),
      limits: { rateLimitPerMinute: 1 },
      handler: () => "ok",
    }),
    defineTool({
      name: "slow_tool",
      description: "Wait `ms` milliseconds (cancellable), then return `ms`.",
      input: z.object({ ms: z.number().int().min(0) }),
      handler: async ({ ms }, ctx) => {
        await sleep(ms, undefined, { signal: ctx.signal });
        return ms;
      },
    }),
    defineTool({
      name: "failing_tool",
      description: "Always fails with InventoryError(`reason`).",
      input: z.object({ reason: z.string() }),
      handler: ({ reason }) => {
        throw new InventoryError(reason);
      },
    }),
    defineTool({
      name: "session_writer",
      description: "Set session variable `name` to `value` from inside the host, return the old value.",
      input: z.object({ name: z.string(), value: z.unknown() }),
      handler: async ({ name, value }, ctx) => {
        const vars = await ctx.session.listVariables(name);
        await ctx.session.setVariable(name, value);
        return vars[name] ?? null;
      },
    }),
  ];
}
