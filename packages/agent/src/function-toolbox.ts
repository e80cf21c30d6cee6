import { ToolBridgeError } from "@toolbridge/protocol";
import { describeError } from "./abort.js";
import type { AgentToolbox, ToolCallOutcome, ToolDescription } from "./toolbox.js";

export interface FunctionTool {
  readonly description: string;
  readonly inputSchema?: Readonly<Record<string, unknown>>;
  run(input: Record<string, unknown>, options: { signal: AbortSignal }): unknown;
}

/**
 * A toolbox of in-process functions, for running an agent without a host
 * (examples, tests of the loop). A thrown error becomes a ToolError outcome
 * (or keeps its toolbridge code); the host's toolbox goes through the session
 * instead.
 */
export function functionToolbox(tools: Readonly<Record<string, FunctionTool>>): AgentToolbox {
  const descriptions: ToolDescription[] = Object.entries(tools).map(([name, tool]) => ({
    name,
    description: tool.description,
    inputSchema: tool.inputSchema ?? { type: "object" },
  }));
  return {
    list: () => descriptions,
    async call(name, input, { signal }): Promise<ToolCallOutcome> {
      const tool = tools[name];
      if (tool === undefined) throw new ToolBridgeError("ToolNotFound", `no tool named "${name}"`);
      const started = performance.now();
      try {
        const result: unknown = await tool.run(input, { signal });
        return { success: true, result, metrics: { durationMs: performance.now() - started } };
      } catch (error) {
        return {
          success: false,
          error: describeError(error, "ToolError"),
          metrics: { durationMs: performance.now() - started },
        };
      }
    },
  };
}
