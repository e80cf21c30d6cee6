import { ToolBridgeError } from "@toolbridge/protocol";
import { AbortScope, abortable, describeError } from "./abort.js";
import type { AgentEvent } from "./events.js";
import { type Decision, interpretReply } from "./interpret-reply.js";
import type { ChatMessage, CompletionOptions, LanguageModel } from "./model.js";
import { finishTool, inputsMessage, LAST_STEP_PROMPT, repromptMessage, systemPrompt } from "./prompt.js";
import { renderForModel } from "./render.js";
import { parseSignature, type Signature } from "./signature.js";
import type { AgentToolbox, ToolCallOutcome } from "./toolbox.js";

export const DEFAULT_MAX_ITERS = 5;
export const DEFAULT_STEP_TIMEOUT_MS = 60_000;

export interface ReActAgentConfig {
  /** DSPy notation or an already parsed signature. */
  readonly signature: string | Signature;
  readonly model: LanguageModel;
  readonly toolbox: AgentToolbox;
  /** Most tool calls in one run (default 5); one more turn is then allowed for the final answer. */
  readonly maxIters?: number;
  /** Budget of each step: its model call(s) plus its tool call (default 60 s). */
  readonly stepTimeoutMs?: number;
  readonly instructions?: string;
}

export interface RunOptions {
  /** Aborting cancels the run and its in-flight model and tool calls. */
  readonly signal?: AbortSignal;
  /** Overall budget of the run; none by default. */
  readonly timeoutMs?: number;
}

/**
 * A ReAct agent: each step the model thinks and either calls one tool (whose
 * result, or error, is shown to it as an observation) or gives the final
 * answer, keyed by the signature's output fields.
 *
 * Failure rules: a tool error is an observation; an unparsable reply is
 * re-prompted once per step, and a second one ends the run (ProtocolError); a
 * model call running past the step timeout ends the run (TimeoutError), a tool
 * call doing so becomes a TimeoutError observation; after maxIters tool calls
 * the model must answer, else the run ends (ResourceExhausted); cancellation
 * ends it (Cancelled, or the abort reason when that is a ToolBridgeError). Every ending is one `error` event, never a throw.
 */
export class ReActAgent {
  readonly signature: Signature;
  readonly maxIters: number;
  readonly stepTimeoutMs: number;

  constructor(private readonly config: ReActAgentConfig) {
    this.signature = typeof config.signature === "string" ? parseSignature(config.signature) : config.signature;
    this.maxIters = positiveInteger(config.maxIters ?? DEFAULT_MAX_ITERS, "maxIters");
    this.stepTimeoutMs = positiveInteger(config.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, "stepTimeoutMs");
  }

  /**
   * Matches inputs to the signature's input fields (exact name first, then
   * case-insensitively, so "question" fills "Question"). Throws InvalidArgument
   * for a missing or unknown input.
   */
  bindInputs(inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const bound: Record<string, unknown> = {};
    const used = new Set<string>();
    for (const field of this.signature.inputs) {
      const key = Object.hasOwn(inputs, field.name)
        ? field.name
        : Object.keys(inputs).find((k) => !used.has(k) && k.toLowerCase() === field.name.toLowerCase());
      if (key === undefined) {
        throw new ToolBridgeError(
          "InvalidArgument",
          `missing input "${field.name}" (signature: ${this.signature.text})`,
          {
            details: { field: field.name },
          },
        );
      }
      used.add(key);
      bound[field.name] = inputs[key];
    }
    const unknown = Object.keys(inputs).filter((k) => !used.has(k));
    if (unknown.length > 0) {
      throw new ToolBridgeError(
        "InvalidArgument",
        `unknown input ${unknown.map((k) => `"${k}"`).join(", ")} (signature: ${this.signature.text})`,
        {
          details: { field: unknown[0] as string },
        },
      );
    }
    return bound;
  }

  /** Validates the inputs now (throws), then streams the run's events. */
  run(
    inputs: Readonly<Record<string, unknown>>,
    options: RunOptions = {},
  ): AsyncGenerator<AgentEvent, void, undefined> {
    return this.steps(this.bindInputs(inputs), options);
  }

  private async *steps(
    inputs: Record<string, unknown>,
    options: RunOptions,
  ): AsyncGenerator<AgentEvent, void, undefined> {
    const run = new AbortScope(
      options.signal,
      options.timeoutMs,
      () => new ToolBridgeError("TimeoutError", `agent run exceeded its timeout of ${options.timeoutMs} ms`),
      // A toolbridge error given as the abort reason (e.g. SessionExpired) is reported as is; any other reason as Cancelled.
      () =>
        options.signal?.reason instanceof ToolBridgeError
          ? options.signal.reason
          : new ToolBridgeError("Cancelled", "agent run cancelled"),
    );

    const tools = this.config.toolbox.list();
    const nativeTools = [...tools, finishTool(this.signature)];
    const messages: ChatMessage[] = [
      { role: "system", content: systemPrompt(this.signature, tools, this.config.instructions) },
      { role: "user", content: inputsMessage(this.signature, inputs) },
    ];
    let actions = 0;
    let step = 0;
    try {
      for (;;) {
        step++;
        const lastTurn = actions >= this.maxIters;
        if (lastTurn) messages.push({ role: "user", content: LAST_STEP_PROMPT });
        // The step budget counts model and tool time only, not time the consumer takes between events.
        const started = Date.now();
        const modelScope = this.stepScope(run.signal, step, this.stepTimeoutMs);
        let decision: Decision;
        try {
          decision = await this.decide(
            messages,
            { tools: nativeTools, toolChoice: lastTurn ? "none" : "auto", signal: modelScope.signal },
            step,
          );
        } finally {
          modelScope.dispose();
        }
        if (decision.kind === "unparsable") {
          yield {
            type: "error",
            step,
            error: {
              type: "ProtocolError",
              message: `the model's reply could not be used twice in step ${step}: ${decision.reason}`,
            },
          };
          return;
        }
        if (decision.thought !== "") yield { type: "thought", step, text: decision.thought };
        if (decision.kind === "final") {
          yield { type: "result", finalAnswer: decision.answer, totalSteps: step };
          return;
        }
        if (lastTurn) {
          const message = `the agent made ${this.maxIters} tool calls (max_iters) without reaching a final answer`;
          yield {
            type: "error",
            step,
            error: { type: "ResourceExhausted", message, details: { max_iters: String(this.maxIters) } },
          };
          return;
        }
        actions++;
        const toolBudget = Math.max(1, this.stepTimeoutMs - (Date.now() - started));
        yield { type: "action", step, toolName: decision.toolName, toolInput: decision.input };
        const toolScope = this.stepScope(run.signal, step, toolBudget);
        let outcome: ToolCallOutcome;
        try {
          outcome = await this.callTool(decision, toolScope, run.signal);
        } finally {
          toolScope.dispose();
        }
        yield {
          type: "observation",
          step,
          success: outcome.success,
          output: outcome.result,
          error: outcome.error,
          metrics: outcome.metrics,
        };
        messages.push(
          {
            role: "assistant",
            content: decision.thought,
            toolCall: { id: decision.callId, name: decision.toolName, input: decision.input },
          },
          {
            role: "tool",
            toolCallId: decision.callId,
            toolName: decision.toolName,
            content: observationText(outcome),
          },
        );
      }
    } catch (error) {
      yield { type: "error", step, error: describeError(error, "InternalError") };
    } finally {
      run.dispose();
    }
  }

  /** Part of step `step`'s budget: aborts with the step's TimeoutError after `budgetMs`, or with the run. */
  private stepScope(runSignal: AbortSignal, step: number, budgetMs: number): AbortScope {
    return new AbortScope(
      runSignal,
      budgetMs,
      () => new ToolBridgeError("TimeoutError", `step ${step} exceeded its timeout of ${this.stepTimeoutMs} ms`),
    );
  }

  /** One model turn, re-prompted once when its reply cannot be used. */
  private async decide(
    messages: ChatMessage[],
    options: CompletionOptions & { signal: AbortSignal },
    step: number,
  ): Promise<Decision> {
    let decision: Decision = { kind: "unparsable", reason: "no reply" };
    for (let attempt = 0; attempt < 2; attempt++) {
      options.signal.throwIfAborted();
      const reply = await abortable(this.config.model.complete(messages, options), options.signal);
      decision = interpretReply(reply, this.signature, step);
      if (decision.kind !== "unparsable") return decision;
      if (attempt === 0) {
        const shown =
          reply.text !== "" ? reply.text : reply.toolCalls.map((c) => `${c.name}(${c.arguments})`).join("\n");
        messages.push(
          { role: "assistant", content: shown },
          { role: "user", content: repromptMessage(decision.reason) },
        );
      }
    }
    return decision;
  }

  /**
   * Runs the chosen tool. Its failure, a thrown error, or the step's deadline
   * passing are observations; only the run's own cancellation or timeout
   * propagate.
   */
  private async callTool(
    decision: Extract<Decision, { kind: "action" }>,
    step: AbortScope,
    runSignal: AbortSignal,
  ): Promise<ToolCallOutcome> {
    const toolbox = this.config.toolbox;
    const names = toolbox.list().map((t) => t.name);
    if (!names.includes(decision.toolName)) {
      const available = names.join(", ") || "none";
      return {
        success: false,
        error: { type: "ToolNotFound", message: `no tool named "${decision.toolName}"; available: ${available}` },
      };
    }
    try {
      step.signal.throwIfAborted();
      const call = toolbox.call(decision.toolName, decision.input, {
        signal: step.signal,
        timeoutMs: step.remainingMs(),
      });
      return await abortable(call, step.signal);
    } catch (error) {
      if (runSignal.aborted) throw runSignal.reason;
      return { success: false, error: describeError(error, "ToolError") };
    }
  }
}

function observationText(outcome: ToolCallOutcome): string {
  if (outcome.success) return renderForModel(outcome.result);
  return `Error (${outcome.error?.type ?? "ToolError"}): ${outcome.error?.message ?? "the tool failed without a message"}`;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ToolBridgeError("InvalidArgument", `${name} must be a positive integer, got ${value}`, {
      details: { field: name },
    });
  }
  return value;
}
