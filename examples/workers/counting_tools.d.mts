import type { ToolDefinition } from "@toolbridge/host";

/** Host tools the worker examples and tests call back into (see counting_tools.mjs). */
export function countingTools(): ToolDefinition[];
