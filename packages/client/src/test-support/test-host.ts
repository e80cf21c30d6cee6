import { createHost, defineTool, type Host, type HostOptions, type ToolExecutor } from "@toolbridge/host";
import { ToolBridgeError } from "@toolbridge/protocol";
import { z } from "zod";

/** What the tools of the test host observed, for assertions on the host side. */
export interface HostProbe {
  /** Calls each tool's handler received, by tool name. */
  readonly calls: Map<string, number>;
  /** request_id of each flaky_tool call, in call order. */
  readonly flakyRequestIds: string[];
  /** Signals of handlers that were running, in call order. */
  readonly signals: AbortSignal[];
}

function count(probe: { calls: Map<string, number> }, name: string): number {
  const n = (probe.calls.get(name) ?? 0) + 1;
  probe.calls.set(name, n);
  return n;
}

/** Resolves when the signal fires. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * The tools the client suites call: counterparts of the spec's tools
 * (calculate_sum, process_data, large_data_processor, flaky_tool, echo_tool,
 * simple_tool, rate_limited_tool) plus a tool that blocks until cancelled.
 */
export function testTools(probe: HostProbe): ToolExecutor[] {
  return [
    defineTool({
      name: "calculate_sum",
      description: "Adds two numbers",
      input: z.object({ a: z.number().int().nonnegative(), b: z.number().int() }),
      handler: ({ a, b }) => a + b,
    }),
    defineTool({
      name: "process_data",
      description: "Streams one chunk per item",
      input: z.object({ items: z.array(z.number()) }),
      async *handler({ items }) {
        for (const item of items) yield `chunk_${item}`;
      },
    }),
    defineTool({
      name: "large_data_processor",
      description: "Streams two chunks, then stalls until cancelled (a stream cut mid-way)",
      input: z.object({ count: z.number().int() }),
      async *handler(_args, ctx) {
        probe.signals.push(ctx.signal);
        yield "part_0";
        yield "part_1";
        await aborted(ctx.signal);
      },
    }),
    defineTool({
      name: "flaky_tool",
      description: "The first call hangs until cancelled; later calls succeed",
      input: z.object({}),
      async handler(_args, ctx) {
        probe.flakyRequestIds.push(ctx.requestId);
        if (count(probe, "flaky_tool") === 1) {
          probe.signals.push(ctx.signal);
          await aborted(ctx.signal);
          throw new Error("first attempt abandoned");
        }
        return "success";
      },
    }),
    defineTool({
      name: "blocking_tool",
      description: "Blocks until its call is cancelled",
      input: z.object({ label: z.string().optional() }),
      async handler(_args, ctx) {
        probe.signals.push(ctx.signal);
        await aborted(ctx.signal);
        return "cancelled";
      },
    }),
    defineTool({
      name: "echo_tool",
      description: "Returns its input",
      input: z.object({ value: z.string() }),
      handler: ({ value }) => value,
    }),
    defineTool({
      name: "simple_tool",
      description: "Returns a short string",
      input: z.object({ text: z.string() }),
      handler: ({ text }) => `ok:${text}`,
    }),
    defineTool({
      name: "rate_limited_tool",
      description: "Always refuses with RateLimitExceeded, asking to wait 200 ms",
      input: z.object({}),
      handler() {
        count(probe, "rate_limited_tool");
        throw new ToolBridgeError("RateLimitExceeded", "Too many requests", { details: { retry_after_ms: "200" } });
      },
    }),
  ];
}

export interface TestHost {
  readonly host: Host;
  readonly probe: HostProbe;
  stop(): Promise<void>;
}

/** A real host on 127.0.0.1:0 serving the test tools. */
export async function startTestHost(options: HostOptions = {}): Promise<TestHost> {
  const probe: HostProbe = { calls: new Map(), flakyRequestIds: [], signals: [] };
  const host = await createHost({
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    tools: testTools(probe),
    ...options,
  });
  return { host, probe, stop: () => host.close({ graceMs: 100 }) };
}
