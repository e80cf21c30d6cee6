import type { ErrorDescription, ToolCallMetrics } from "./toolbox.js";

/**
 * What a run emits, in order: per step an optional thought, then either an
 * action and its observation, or the result. A run ends with exactly one
 * `result` or one `error`. Steps count model turns from 1.
 */
export type AgentEvent =
  | { readonly type: "thought"; readonly step: number; readonly text: string }
  | {
      readonly type: "action";
      readonly step: number;
      readonly toolName: string;
      readonly toolInput: Record<string, unknown>;
    }
  | {
      readonly type: "observation";
      readonly step: number;
      readonly success: boolean;
      readonly output?: unknown;
      readonly error?: ErrorDescription;
      readonly metrics?: ToolCallMetrics;
    }
  | { readonly type: "result"; readonly finalAnswer: Record<string, unknown>; readonly totalSteps: number }
  | { readonly type: "error"; readonly step: number; readonly error: ErrorDescription };
