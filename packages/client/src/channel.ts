import { toBinary } from "@bufbuild/protobuf";
import {
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  credentials,
  Metadata,
  type MethodDefinition,
  makeGenericClientConstructor,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  DEFAULT_LIMITS,
  type ExecuteToolRequest,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  readExecuteToolResponse,
  writeExecuteToolRequest,
} from "@toolbridge/protocol";

/** TLS settings; `true` means TLS with the system's root certificates. */
export interface TlsOptions {
  /** PEM root certificate(s) to trust instead of the system's. */
  ca?: string | Buffer;
  /** PEM client certificate and key, for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name to verify the server certificate against, when it differs from the address. */
  serverName?: string;
}

export interface ChannelSettings {
  tls?: boolean | TlsOptions;
  /** Sent as `authorization: Bearer <token>` on every call. */
  authToken?: string;
  /** Largest message sent or accepted (framing headroom is added). */
  maxMessageBytes?: number;
  /** Raw grpc-js channel options, applied over toolbridge's defaults. */
  channelOptions?: ChannelOptions;
}

/**
 * Protobuf framing around a maximal value (Any wrapper, type URL, field tags,
 * the request's other fields) so a payload of exactly maxMessageBytes still fits.
 */
const FRAMING_HEADROOM_BYTES = 64 * 1024;

/**
 * The service as this client calls it: ExecuteTool, made once per tool call, is
 * written and read by protocol's hand-written codecs (byte for byte and field for
 * field protobuf-es', which they fall back to for anything unusual); every other
 * method keeps protobuf-es' reflective ones.
 */
const clientServiceDefinition: ServiceDefinition = {
  ...bridgeServiceDefinition,
  ExecuteTool: {
    ...(bridgeServiceDefinition.ExecuteTool as MethodDefinition<ExecuteToolRequest, ExecuteToolResponse>),
    requestSerialize: serializeExecuteToolRequest,
    responseDeserialize: readExecuteToolResponse,
  },
};

function serializeExecuteToolRequest(request: ExecuteToolRequest): Buffer {
  const bytes = writeExecuteToolRequest(request) ?? toBinary(ExecuteToolRequestSchema, request);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const BridgeClient = makeGenericClientConstructor(clientServiceDefinition, "BridgeService");

export function createGrpcClient(address: string, settings: ChannelSettings): Client {
  return new BridgeClient(address, channelCredentials(settings.tls), channelOptions(settings));
}

export function channelOptions(settings: ChannelSettings): ChannelOptions {
  const maxMessage = (settings.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes) + FRAMING_HEADROOM_BYTES;
  const tls = typeof settings.tls === "object" ? settings.tls : undefined;
  return {
    "grpc.max_send_message_length": maxMessage,
    "grpc.max_receive_message_length": maxMessage,
    // A larger HTTP/2 window lets big streams run near transport speed (~1 GB/s vs ~350 MB/s on loopback).
    "grpc-node.flow_control_window": DEFAULT_LIMITS.clientFlowControlWindowBytes,
    "grpc.keepalive_time_ms": DEFAULT_LIMITS.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": DEFAULT_LIMITS.keepaliveTimeoutMs,
    ...(tls?.serverName === undefined ? {} : { "grpc.ssl_target_name_override": tls.serverName }),
    ...settings.channelOptions,
  };
}

function channelCredentials(tls: ChannelSettings["tls"]): ChannelCredentials {
  if (tls === undefined || tls === false) return credentials.createInsecure();
  if (tls === true) return credentials.createSsl();
  return credentials.createSsl(toBuffer(tls.ca), toBuffer(tls.key), toBuffer(tls.cert));
}

function toBuffer(value: string | Buffer | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === "string" ? Buffer.from(value) : value;
}

/**
 * Builds the metadata factory for calls. With a token every call gets a copy
 * of one prepared Metadata (grpc-js may add to it); without, a fresh empty one.
 */
export function metadataFactory(authToken: string | undefined): () => Metadata {
  if (authToken === undefined) return () => new Metadata();
  const template = new Metadata();
  template.set("authorization", `Bearer ${authToken}`);
  return () => template.clone();
}
