import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { Client, Metadata } from "@grpc/grpc-js";
import {
  DEFAULT_LIMITS,
  decodeValue,
  type ExecuteToolRequest,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  ProtocolError,
  type StreamToolRequest,
  StreamToolRequestSchema,
  type StreamToolResponse,
  type ToolBridgeError,
} from "@toolbridge/protocol";
import type { EncodedArguments } from "./args.js";
import { type ChannelSettings, createGrpcClient, metadataFactory } from "./channel.js";
import { callError, errorFromInfo } from "./error-mapping.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs, sleep } from "./retry.js";
import { callUnary, serverStreamMethod, type UnaryMethod, unaryMethod } from "./rpc.js";
import { readToolStream } from "./tool-stream.js";
import type { CallOptions, RetryPolicy } from "./types.js";

export interface ConnectionSettings extends ChannelSettings {
  /** Overall deadline of a unary call, retries included (default 30 s). */
  timeoutMs?: number;
  /** Overall deadline of a stream (default 5 min). */
  streamTimeoutMs?: number;
  /** Retry policy of every call unless the call says otherwise; `false` disables. */
  retry?: RetryPolicy | false;
}

/** Identifies the tool a call goes to: the id sent on the wire and the name errors mention. */
export interface ToolTarget {
  readonly sessionId: string;
  readonly toolId: string;
  readonly toolName: string;
}

/**
 * One channel to a host and the calls on it. Every call path (proxy, bridge,
 * session) goes through here, so deadlines, retries, metadata and error
 * mapping are decided in one place.
 */
export class Connection {
  readonly client: Client;
  readonly metadata: () => Metadata;
  readonly timeoutMs: number;
  readonly streamTimeoutMs: number;
  readonly retry: RetryPolicy | false;
  private readonly executeToolMethod;
  private readonly streamToolMethod;

  constructor(address: string, settings: ConnectionSettings) {
    this.client = createGrpcClient(address, settings);
    this.metadata = metadataFactory(settings.authToken);
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_LIMITS.unaryTimeoutMs;
    this.streamTimeoutMs = settings.streamTimeoutMs ?? DEFAULT_LIMITS.streamTimeoutMs;
    this.retry = settings.retry ?? DEFAULT_RETRY_POLICY;
    this.executeToolMethod = unaryMethod<ExecuteToolRequest, ExecuteToolResponse>(this.client, "ExecuteTool");
    this.streamToolMethod = serverStreamMethod<StreamToolRequest, StreamToolResponse>(this.client, "StreamTool");
  }

  /** Calls a unary tool and returns its decoded result, retrying per policy. */
  async executeTool(target: ToolTarget, encoded: EncodedArguments, options: CallOptions | undefined): Promise<unknown> {
    const request = create(ExecuteToolRequestSchema, {
      sessionId: target.sessionId,
      toolId: target.toolId,
      args: encoded.args,
      kwargs: encoded.kwargs,
      requestId: options?.requestId ?? randomUUID(),
      context: options?.context,
    });
    const response = await this.unary(this.executeToolMethod, request, target.toolName, options);
    return resultOf(response, target.toolName);
  }

  /**
   * Opens a streaming tool call; chunks are decoded and checked as they arrive.
   * Arguments are bound lazily so that an encoding error surfaces from the
   * iteration, like every other failure of the stream.
   */
  streamTool(target: ToolTarget, bind: () => EncodedArguments, options: CallOptions | undefined): AsyncIterable<unknown> {
    let request: StreamToolRequest | undefined;
    return readToolStream({
      open: (deadline) => {
        if (request === undefined) {
          const encoded = bind();
          request = create(StreamToolRequestSchema, {
            sessionId: target.sessionId,
            toolId: target.toolId,
            args: encoded.args,
            kwargs: encoded.kwargs,
            requestId: options?.requestId ?? randomUUID(),
            context: options?.context,
          });
        }
        return this.streamToolMethod(request, this.metadata(), { deadline });
      },
      toolName: target.toolName,
      deadline: Date.now() + (options?.timeoutMs ?? this.streamTimeoutMs),
      signal: options?.signal,
      retry: options?.retry ?? this.retry,
    });
  }

  /**
   * A unary call with the overall deadline, the retry policy and error mapping.
   * The first attempt is a plain awaited call; the retry loop only runs after a failure.
   */
  async unary<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    toolName: string | undefined,
    options: CallOptions | undefined,
  ): Promise<Res> {
    const signal = options?.signal;
    const deadline = Date.now() + (options?.timeoutMs ?? this.timeoutMs);
    const policy = options?.retry ?? this.retry;
    const attemptTimeoutMs = policy === false ? undefined : policy.attemptTimeoutMs;
    const context = { toolName };
    for (let retry = 0; ; retry++) {
      const attemptDeadline = attemptTimeoutMs === undefined ? deadline : Math.min(deadline, Date.now() + attemptTimeoutMs);
      try {
        return await callUnary(method, request, this.metadata(), attemptDeadline, signal);
      } catch (thrown) {
        const error = callError(thrown, context, signal);
        const delay = nextDelay(error, retry, policy, attemptDeadline < deadline);
        if (delay === undefined || Date.now() + delay >= deadline) throw error;
        await sleep(delay, signal, () => callError(undefined, context, signal));
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

function nextDelay(
  error: ToolBridgeError,
  retry: number,
  policy: RetryPolicy | false,
  attemptTimedOut: boolean,
): number | undefined {
  if (policy === false || retry >= policy.maxRetries) return undefined;
  return retryDelayMs(error, retry, policy.backoff, attemptTimedOut);
}

/** The decoded result of a response, or the error it reports. */
export function resultOf(response: ExecuteToolResponse, toolName: string): unknown {
  if (response.success) {
    if (response.result === undefined) {
      throw new ProtocolError(`${toolName}: response has success=true but no result`, {
        details: { field: "result" },
      });
    }
    return decodeValue(response.result);
  }
  if (response.error === undefined || response.error.type === "") {
    throw new ProtocolError(`${toolName}: response has success=false but no error`, { details: { field: "error" } });
  }
  throw errorFromInfo(response.error, { toolName });
}
