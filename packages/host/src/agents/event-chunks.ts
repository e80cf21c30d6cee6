import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { AgentEvent, ErrorDescription, ToolCallMetrics } from "@toolbridge/agent";
import {
  type ErrorInfo,
  ErrorInfoSchema,
  type ExecuteAgentResponse,
  ExecuteAgentResponseSchema,
  ExecutionMetricsSchema,
  encodeValue,
} from "@toolbridge/protocol";

type AnyMap = Record<string, ReturnType<typeof encodeValue>>;

function encodeMap(values: Record<string, unknown>): AnyMap {
  const encoded: AnyMap = {};
  for (const [key, value] of Object.entries(values)) encoded[key] = encodeValue(value);
  return encoded;
}

function errorInfo(
  error: ErrorDescription,
  extra: { sessionId?: string; toolName?: string; requestId?: string },
): ErrorInfo {
  return create(ErrorInfoSchema, {
    type: error.type,
    message: error.message,
    details: { ...error.details },
    timestamp: timestampNow(),
    ...extra,
  });
}

function metrics(m: ToolCallMetrics) {
  return create(ExecutionMetricsSchema, {
    durationMs: m.durationMs,
    queuedMs: m.queuedMs ?? 0,
    resultBytes: BigInt(m.resultBytes ?? 0),
    workerId: m.workerId ?? "",
    attempts: m.attempts ?? 0,
  });
}

/**
 * One ExecuteAgentResponse per agent event; `sequence` counts from 0. The
 * observation names its tool (ErrorInfo.tool_name) from the action before it.
 */
export class AgentChunkEncoder {
  private sequence = 0n;
  private lastTool = "";

  constructor(private readonly ids: { sessionId: string; requestId: string }) {}

  encode(event: AgentEvent): ExecuteAgentResponse {
    const sequence = this.sequence++;
    switch (event.type) {
      case "thought":
        return create(ExecuteAgentResponseSchema, {
          sequence,
          chunk: { case: "thought", value: { text: event.text, step: event.step } },
        });
      case "action":
        this.lastTool = event.toolName;
        return create(ExecuteAgentResponseSchema, {
          sequence,
          chunk: {
            case: "action",
            value: { toolName: event.toolName, toolInput: encodeMap(event.toolInput), step: event.step },
          },
        });
      case "observation":
        return create(ExecuteAgentResponseSchema, {
          sequence,
          chunk: {
            case: "observation",
            value: {
              step: event.step,
              success: event.success,
              ...(event.success ? { toolOutput: encodeValue(event.output ?? null) } : {}),
              ...(event.metrics ? { metrics: metrics(event.metrics) } : {}),
              ...(event.error ? { error: errorInfo(event.error, { ...this.ids, toolName: this.lastTool }) } : {}),
            },
          },
        });
      case "result":
        return create(ExecuteAgentResponseSchema, {
          sequence,
          chunk: { case: "result", value: { finalAnswer: encodeMap(event.finalAnswer), totalSteps: event.totalSteps } },
        });
      case "error":
        return create(ExecuteAgentResponseSchema, {
          sequence,
          chunk: { case: "error", value: errorInfo(event.error, this.ids) },
        });
    }
  }
}
