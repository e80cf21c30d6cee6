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
  ToolBridgeError,
} from "@toolbridge/protocol";
import type { EncodedArguments } from "./args.js";
import { type ChannelSettings, createGrpcClient, metadataFactory } from "./channel.js";
import { callError, errorFromInfo, isServiceError } from "./error-mapping.js";
import { RateLimitedError } from "./errors.js";
import { requestIdGenerator } from "./request-ids.js";
import { DEFAULT_RETRY_POLICY, nextRetryDelay, sleep } from "./retry.js";
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
  readonly nextRequestId = requestIdGenerator();
  private closed = false;
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
  executeTool(target: ToolTarget, encoded: EncodedArguments, options: CallOptions | undefined): Promise<unknown> {
    const request = executeToolRequest(
      target,
      encoded,
      options?.requestId ?? this.nextRequestId(),
      options?.context ?? NO_CONTEXT,
    );
    return this.call(this.executeToolMethod, request, target.toolName, options, resultOf, (error) => {
      // A RateLimitExceeded *outcome* (the tool itself refused) is remembered
      // under its request_id by the host's idempotency, so the retry needs a new
      // one; status-level failures are forgotten and keep the id.
      if (error instanceof RateLimitedError && !isServiceError(error.cause)) request.requestId = this.nextRequestId();
    });
  }

  /**
   * Opens a streaming tool call; chunks are decoded and checked as they arrive.
   * Arguments are bound lazily so that an encoding error surfaces from the
   * iteration, like every other failure of the stream.
   */
  streamTool(
    target: ToolTarget,
    bind: () => EncodedArguments,
    options: CallOptions | undefined,
  ): AsyncIterable<unknown> {
    let request: StreamToolRequest | undefined;
    return readToolStream({
      open: (deadline) => {
        if (this.closed) throw closedError(undefined);
        if (request === undefined) {
          const encoded = bind();
          request = create(StreamToolRequestSchema, {
            sessionId: target.sessionId,
            toolId: target.toolId,
            args: encoded.args,
            kwargs: encoded.kwargs,
            requestId: options?.requestId ?? this.nextRequestId(),
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

  /** A unary call with the overall deadline, the retry policy and error mapping. */
  unary<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    toolName: string | undefined,
    options: CallOptions | undefined,
  ): Promise<Res> {
    return this.call(method, request, toolName, options, identity);
  }

  /**
   * The retry loop. `outcome` reads the response and may throw the failure it
   * reports, which is retried like a status failure; `beforeRetry` may adjust
   * the request. The first attempt is a plain awaited call: the loop costs
   * nothing until something fails.
   */
  private async call<Req, Res, Out>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    toolName: string | undefined,
    options: CallOptions | undefined,
    outcome: (response: Res, toolName: string) => Out,
    beforeRetry?: (error: ToolBridgeError) => void,
  ): Promise<Out> {
    const signal = options?.signal;
    const deadline = Date.now() + (options?.timeoutMs ?? this.timeoutMs);
    const policy = options?.retry ?? this.retry;
    const attemptTimeoutMs = policy === false ? undefined : policy.attemptTimeoutMs;
    const context = { toolName };
    for (let retry = 0; ; retry++) {
      const attemptDeadline =
        attemptTimeoutMs === undefined ? deadline : Math.min(deadline, Date.now() + attemptTimeoutMs);
      try {
        return outcome(await callUnary(method, request, this.metadata(), attemptDeadline, signal), toolName ?? "");
      } catch (thrown) {
        if (this.closed) throw closedError(thrown);
        const error = callError(thrown, context, signal);
        const delay = nextRetryDelay(error, retry, policy, attemptDeadline < deadline);
        if (delay === undefined || Date.now() + delay >= deadline) throw error;
        beforeRetry?.(error);
        await sleep(delay, signal, () => callError(undefined, context, signal));
      }
    }
  }

  /** True after close(): later calls fail with FailedPrecondition. */
  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }
}

const NO_CONTEXT: { [key: string]: string } = Object.freeze({}) as { [key: string]: string };
const REQUEST_TYPE = ExecuteToolRequestSchema.typeName as "toolbridge.v1.ExecuteToolRequest";

/**
 * The ExecuteToolRequest of one call, field for field what create() makes
 * (connection.spec.ts holds the two equal), as a literal: create() walks the
 * schema by reflection and copies the maps, once per call.
 */
export function executeToolRequest(
  target: ToolTarget,
  encoded: EncodedArguments,
  requestId: string,
  context: { [key: string]: string },
): ExecuteToolRequest {
  return {
    $typeName: REQUEST_TYPE,
    sessionId: target.sessionId,
    toolId: target.toolId,
    args: encoded.args,
    kwargs: encoded.kwargs,
    requestId,
    timeoutMs: 0,
    context,
  };
}

/** What a call on a closed bridge raises (grpc-js itself only says "Channel has been shut down"). */
export function closedError(cause: unknown): ToolBridgeError {
  return new ToolBridgeError("FailedPrecondition", "the bridge is closed", { cause });
}

function identity<T>(value: T): T {
  return value;
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
