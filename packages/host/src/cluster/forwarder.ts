import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  errorInfoFromMetadata,
  isErrorType,
  StreamToolRequestSchema,
  type StreamToolResponse,
  ToolBridgeError,
  type ToolSpec,
} from "@toolbridge/protocol";
import { ToolFailure } from "../errors.js";
import type { ToolCall, ToolContext, ToolExecutor } from "../registry/types.js";
import type { ToolOwner } from "./directory.js";
import type { ForwardedCall } from "./forwarded-mark.js";
import { FORWARDED_BY_HEADER } from "./header.js";
import type { PeerTransport } from "./peer-credentials.js";

const BridgeClient = makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response: ExecuteToolResponse) => void,
) => ClientUnaryCall;
type StreamMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
) => ClientReadableStream<StreamToolResponse>;

/** One gRPC channel per peer host, reused by every forwarded call. */
export class PeerChannels {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly transport: PeerTransport) {}

  get(address: string): Client {
    let client = this.clients.get(address);
    if (!client) {
      client = new BridgeClient(address, this.transport.credentials, this.transport.options);
      this.clients.set(address, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/**
 * A tool another host serves, as a registry executor: calls go to that host
 * over gRPC with the same request_id and the time left, marked as forwarded (a
 * mark signed for this call, carrying the caller's principal) so the owner
 * neither deduplicates nor rate-limits them again (this host did), checks the
 * session against the same caller, and never forwards them further. When the
 * owner is gone the call fails with Unavailable, as a call to a worker that died does.
 */
export class ForwardingExecutor implements ToolExecutor {
  readonly spec: ToolSpec;

  constructor(
    private readonly owner: ToolOwner,
    /** The FORWARDED_BY_HEADER value for one call (signed by this host for the caller). */
    private readonly mark: (call: ForwardedCall) => string,
    private readonly channels: PeerChannels,
  ) {
    this.spec = owner.spec;
  }

  /** The call as the owner must see it: same request_id, only the time the caller has left. */
  private forwardedFields(call: ToolCall, ctx: ToolContext) {
    return {
      sessionId: ctx.sessionId,
      toolId: this.spec.name,
      args: [...call.args],
      kwargs: { ...call.kwargs },
      requestId: ctx.requestId,
      timeoutMs: this.timeLeft(ctx),
      context: { ...call.context },
    };
  }

  execute(call: ToolCall, ctx: ToolContext): Promise<Any> {
    if (this.owner.address === "") return Promise.reject(this.ownerGone("it stopped sending heartbeats"));
    const client = this.channels.get(this.owner.address) as unknown as { ExecuteTool: UnaryMethod };
    const request = create(ExecuteToolRequestSchema, this.forwardedFields(call, ctx));
    const metadata = this.metadata("ExecuteTool", ctx);
    return new Promise<Any>((resolve, reject) => {
      const pending = client.ExecuteTool(request, metadata, { deadline: ctx.deadline }, (error, response) => {
        ctx.signal.removeEventListener("abort", cancel);
        if (error) reject(this.failure(error));
        else if (response.success && response.result) resolve(response.result);
        else reject(response.error ? new ToolFailure(response.error) : this.missingError());
      });
      const cancel = () => pending.cancel();
      ctx.signal.addEventListener("abort", cancel, { once: true });
    });
  }

  async *stream(call: ToolCall, ctx: ToolContext): AsyncIterable<Any> {
    if (this.owner.address === "") throw this.ownerGone("it stopped sending heartbeats");
    const client = this.channels.get(this.owner.address) as unknown as { StreamTool: StreamMethod };
    const request = create(StreamToolRequestSchema, this.forwardedFields(call, ctx));
    const chunks = client.StreamTool(request, this.metadata("StreamTool", ctx), { deadline: ctx.deadline });
    const cancel = () => chunks.cancel();
    ctx.signal.addEventListener("abort", cancel, { once: true });
    let finished = false;
    try {
      for await (const chunk of chunks as AsyncIterable<StreamToolResponse>) {
        const content = chunk.content;
        if (content.case === "data") yield content.value;
        else if (content.case === "error") throw new ToolFailure(content.value);
        else if (content.case === "complete") break;
      }
      finished = true;
    } catch (error) {
      finished = true;
      if (error instanceof ToolFailure) throw error;
      throw this.failure(error as ServiceError);
    } finally {
      ctx.signal.removeEventListener("abort", cancel);
      // The consumer stopped early (cancel, timeout): stop the owner's call too.
      if (!finished) chunks.cancel();
    }
  }

  private metadata(method: string, ctx: ToolContext): Metadata {
    const metadata = new Metadata();
    const call = { method, sessionId: ctx.sessionId, toolId: this.spec.name, requestId: ctx.requestId };
    metadata.set(FORWARDED_BY_HEADER, this.mark(call));
    return metadata;
  }

  private timeLeft(ctx: ToolContext): number {
    return Math.max(1, Math.min(0xffffffff, Math.floor(ctx.deadline - Date.now())));
  }

  /** A status from the owner: its ErrorInfo when it sent one, else what the transport says. */
  private failure(error: ServiceError): ToolBridgeError {
    const info = errorInfoFromMetadata(error.metadata);
    if (info?.type === "Unauthenticated") {
      // The caller authenticated here; the owner refused this host's mark: the hosts are configured differently.
      return new ToolBridgeError(
        "InternalError",
        `host ${this.owner.hostId} refused a call this host forwarded (${info.message}): check that every host has the same cluster secret and auth settings`,
        { details: { tool_name: this.spec.name, host_id: this.owner.hostId, reason: info.details.reason ?? "" } },
      );
    }
    if (info && isErrorType(info.type)) {
      return new ToolBridgeError(info.type, info.message, { details: { ...info.details, host_id: this.owner.hostId } });
    }
    if (error.code === status.DEADLINE_EXCEEDED) {
      return new ToolBridgeError(
        "DeadlineExceeded",
        `${this.spec.name}: deadline exceeded on host ${this.owner.hostId}`,
      );
    }
    if (error.code === status.CANCELLED) {
      return new ToolBridgeError("Cancelled", `${this.spec.name}: call cancelled`);
    }
    return this.ownerGone(error.details || error.message);
  }

  private ownerGone(reason: string): ToolBridgeError {
    return new ToolBridgeError(
      "Unavailable",
      `tool ${this.spec.name} is served by host ${this.owner.hostId}, which is unavailable: ${reason}`,
      { details: { tool_name: this.spec.name, host_id: this.owner.hostId, address: this.owner.address } },
    );
  }

  private missingError() {
    return new ToolBridgeError("ProtocolError", `host ${this.owner.hostId} sent a failed response without an error`);
  }
}
