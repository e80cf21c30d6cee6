import type { Any } from "@bufbuild/protobuf/wkt";
import { decodeValue, type ErrorInfo, type ExecuteAgentResponse, ProtocolError } from "@toolbridge/protocol";

/*
 * Agent run events as plain objects with a `type` key: the dicts the Python
 * client's execute_agent_streaming yields (python/toolbridge/agents.py), key
 * for key, in camelCase (tool_name -> toolName, tool_input -> toolInput,
 * tool_output -> toolOutput, duration_ms -> durationMs, final_answer ->
 * finalAnswer, total_steps -> totalSteps, error_type -> errorType). Python's
 * None is null here, so an event serialises to the same JSON in both.
 */

/** A failure as agent events carry it (an observation's tool error, or the run's error event). */
export interface AgentErrorDetail {
  readonly errorType: string;
  readonly message: string;
  readonly details: Record<string, string>;
  readonly toolName: string;
}

interface AgentEventBase {
  /** 0, 1, 2... in the order the host sent the events. */
  readonly sequence: number;
}

/** The model's reasoning for a step. */
export interface AgentThoughtEvent extends AgentEventBase {
  readonly type: "thought";
  readonly text: string;
  readonly step: number;
}

/** A tool call the model chose. */
export interface AgentActionEvent extends AgentEventBase {
  readonly type: "action";
  readonly toolName: string;
  readonly toolInput: Record<string, unknown>;
  readonly step: number;
}

/** What the tool call returned; a failed call is an observation too (`success: false`, `error`). */
export interface AgentObservationEvent extends AgentEventBase {
  readonly type: "observation";
  readonly toolOutput: unknown;
  readonly step: number;
  readonly success: boolean;
  readonly error: AgentErrorDetail | null;
  /** How long the tool call took on the host (ExecutionMetrics.duration_ms). */
  readonly durationMs: number;
}

/** The run's answer, keyed by the signature's output fields. */
export interface AgentResultEvent extends AgentEventBase {
  readonly type: "result";
  readonly finalAnswer: Record<string, unknown>;
  readonly totalSteps: number;
}

/** The run ended in a failure (model output unparsable twice, step timeout, session ended...); always last. */
export interface AgentErrorEvent extends AgentEventBase, AgentErrorDetail {
  readonly type: "error";
}

export type AgentEvent =
  | AgentThoughtEvent
  | AgentActionEvent
  | AgentObservationEvent
  | AgentResultEvent
  | AgentErrorEvent;

/** One ExecuteAgentResponse as an event; ProtocolError when it has no content. */
export function agentEvent(response: ExecuteAgentResponse): AgentEvent {
  const sequence = Number(response.sequence);
  const chunk = response.chunk;
  switch (chunk.case) {
    case "thought":
      return { type: "thought", sequence, text: chunk.value.text, step: chunk.value.step };
    case "action":
      return {
        type: "action",
        sequence,
        toolName: chunk.value.toolName,
        toolInput: decodeEntries(chunk.value.toolInput),
        step: chunk.value.step,
      };
    case "observation": {
      const observation = chunk.value;
      return {
        type: "observation",
        sequence,
        toolOutput: observation.toolOutput === undefined ? null : decodeValue(observation.toolOutput),
        step: observation.step,
        success: observation.success,
        error: observation.error === undefined ? null : errorDetail(observation.error),
        durationMs: observation.metrics?.durationMs ?? 0,
      };
    }
    case "result":
      return {
        type: "result",
        sequence,
        finalAnswer: decodeEntries(chunk.value.finalAnswer),
        totalSteps: chunk.value.totalSteps,
      };
    case "error":
      return { type: "error", sequence, ...errorDetail(chunk.value) };
    default:
      throw new ProtocolError(`agent event ${sequence} has no content`, { details: { sequence: String(sequence) } });
  }
}

function decodeEntries(entries: { [key: string]: Any }): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) decoded[key] = decodeValue(value);
  return decoded;
}

function errorDetail(info: ErrorInfo): AgentErrorDetail {
  return { errorType: info.type, message: info.message, details: { ...info.details }, toolName: info.toolName };
}
