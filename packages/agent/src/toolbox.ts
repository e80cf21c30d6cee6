/**
 * How the ReAct loop reaches tools. The agent package knows nothing about
 * sessions or transports: the host implements this over its execute path, a
 * test over plain functions.
 */
export interface ToolDescription {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the keyword-arguments object; `{type: "object"}` when unknown. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** An error as agents report it: a tool failure or the reason a run ended (ErrorInfo on the wire). */
export interface ErrorDescription {
  readonly type: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, string>>;
}

/** Timing of a tool call, as reported by whoever ran it (ExecutionMetrics on the wire). */
export interface ToolCallMetrics {
  readonly durationMs: number;
  readonly queuedMs?: number;
  readonly resultBytes?: number;
  readonly workerId?: string;
  readonly attempts?: number;
}

export interface ToolCallOutcome {
  readonly success: boolean;
  readonly result?: unknown;
  readonly error?: ErrorDescription;
  readonly metrics?: ToolCallMetrics;
}

export interface ToolCallOptions {
  /** Aborted when the run is cancelled or the step times out; the call should stop. */
  readonly signal: AbortSignal;
  /** What is left of the step's time budget. */
  readonly timeoutMs: number;
}

export interface AgentToolbox {
  list(): readonly ToolDescription[];
  /**
   * Calls one tool with keyword arguments. A tool's own failure is an outcome
   * with success=false; a thrown error is treated the same way by the loop.
   */
  call(name: string, input: Record<string, unknown>, options: ToolCallOptions): Promise<ToolCallOutcome>;
}
