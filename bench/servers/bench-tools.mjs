// The toolbridge host's bench tools: the same three operations the baseline server
// does by hand (echo, a 10 ms await, N chunks of a given size), declared the way
// users declare tools, so the measured path is the ordinary one (binding,
// validation, codec, session checks).
import { setTimeout as sleep } from "node:timers/promises";
import { defineTool } from "@toolbridge/host";
import { z } from "zod";
import { SLEEP_MS, TOOL } from "../lib/workload.mjs";

export const benchTools = () => [
  defineTool({
    name: TOOL.echo,
    description: "Returns its argument.",
    input: z.object({ value: z.string() }),
    handler: ({ value }) => value,
  }),
  defineTool({
    name: TOOL.sleep,
    description: `Awaits ${SLEEP_MS} ms (stands for async I/O), then returns its label.`,
    input: z.object({ label: z.string() }),
    handler: async ({ label }) => {
      await sleep(SLEEP_MS);
      return label;
    },
  }),
  defineTool({
    name: TOOL.stream,
    description: "Streams `count` chunks of `chunkBytes` bytes.",
    input: z.object({ count: z.number().int().nonnegative(), chunkBytes: z.number().int().positive() }),
    // One buffer sent `count` times, as the baseline server does.
    handler: async function* ({ count, chunkBytes }) {
      const chunk = new Uint8Array(chunkBytes);
      for (let i = 0; i < count; i++) yield chunk;
    },
  }),
];
