import { defineTool } from "@toolbridge/host";
import { z } from "zod";

/**
 * `echo`: returns its argument unchanged. Any value the codec carries (nested
 * objects, bigint, bytes, dates, tables...) makes the round trip, which is what
 * the codec conformance tests and the latency benchmarks need.
 */
export const echoTool = defineTool({
  name: "echo",
  description: "Return `value` unchanged (any type).",
  input: z.object({ value: z.unknown().describe("Any value") }),
  handler: ({ value }) => value,
});
