import { create } from "@bufbuild/protobuf";
import {
  type BatchExecuteToolsRequest,
  BatchExecuteToolsRequestSchema,
  type BatchExecuteToolsResponse,
  DEFAULT_LIMITS,
  ErrorInfoSchema,
  ProtocolError,
  ToolBridgeError,
} from "@toolbridge/protocol";
import { bindCallArguments } from "./args.js";
import { type Connection, resultOf } from "./connection.js";
import { errorFromInfo } from "./error-mapping.js";
import { unaryMethod } from "./rpc.js";

/** One call of a batch. */
export interface BatchCall {
  /** Tool name (or id). */
  tool: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Idempotency key; generated when absent. */
  requestId?: string;
}

export interface BatchOptions {
  /** Run items concurrently on the host (default: one after another, in order). */
  parallel?: boolean;
  /** Concurrency when parallel (default: the host's, 16). */
  maxParallel?: number;
  /** Stop at the first failure; later items become Cancelled errors. */
  stopOnError?: boolean;
  /** Overall deadline of the batch. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Each item's decoded result, or the ToolBridgeError it failed with, in request order. */
export type BatchResult = unknown | ToolBridgeError;

/**
 * Runs calls in BatchExecuteTools round trips of at most maxBatchItems items.
 * A failed item is an error object in its slot, not a rejection: only a
 * failure of the whole batch (transport, session) rejects.
 */
export async function executeBatch(
  connection: Connection,
  sessionId: string,
  toolIdOf: (name: string) => string,
  calls: readonly BatchCall[],
  options: BatchOptions = {},
): Promise<BatchResult[]> {
  const method = unaryMethod<BatchExecuteToolsRequest, BatchExecuteToolsResponse>(
    connection.client,
    "BatchExecuteTools",
  );
  const deadline = Date.now() + (options.timeoutMs ?? connection.timeoutMs);
  const results: BatchResult[] = [];
  for (let start = 0; start < calls.length; start += DEFAULT_LIMITS.maxBatchItems) {
    const slice = calls.slice(start, start + DEFAULT_LIMITS.maxBatchItems);
    if (options.stopOnError && results.some((result) => result instanceof ToolBridgeError)) {
      for (const call of slice) results.push(notRun(call.tool));
      continue;
    }
    const request = create(BatchExecuteToolsRequestSchema, {
      sessionId,
      items: slice.map((call) => ({
        toolId: toolIdOf(call.tool),
        ...bindCallArguments(call.args ?? []),
        kwargs: call.kwargs === undefined ? {} : bindCallArguments(call.kwargs).kwargs,
        requestId: call.requestId ?? connection.nextRequestId(),
      })),
      config: {
        parallel: options.parallel ?? false,
        stopOnError: options.stopOnError ?? false,
        maxParallel: options.maxParallel ?? 0,
      },
    });
    const response = await connection.unary(method, request, undefined, {
      signal: options.signal,
      timeoutMs: Math.max(0, deadline - Date.now()),
    });
    if (response.results.length !== slice.length) {
      throw new ProtocolError(`batch of ${slice.length} items answered with ${response.results.length} results`, {
        details: { field: "results" },
      });
    }
    response.results.forEach((item, index) => {
      const toolName = slice[index]?.tool ?? "";
      try {
        results.push(resultOf(item, toolName));
      } catch (error) {
        if (!(error instanceof ToolBridgeError)) throw error;
        results.push(error);
      }
    });
  }
  return results;
}

/** The error of an item skipped because an earlier item failed under stopOnError. */
function notRun(toolName: string): ToolBridgeError {
  return errorFromInfo(
    create(ErrorInfoSchema, {
      type: "Cancelled",
      message: "not run: an earlier item of the batch failed (stopOnError)",
      toolName,
    }),
    { toolName },
  );
}
