import { type DescMessage, type DescService, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import {
  readBatchExecuteToolsResponse,
  writeBatchExecuteToolsRequest,
  writeBatchExecuteToolsResponse,
} from "./batch-codec.js";
import { writeExecuteToolResponse } from "./execute-response-writer.js";
import { BridgeService } from "./gen/toolbridge/v1/service_pb.js";
import {
  type BatchExecuteToolsRequest,
  BatchExecuteToolsRequestSchema,
  type BatchExecuteToolsResponse,
  BatchExecuteToolsResponseSchema,
  type ExecuteToolResponse,
  ExecuteToolResponseSchema,
  type StreamToolResponse,
  StreamToolResponseSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { readStreamToolResponse } from "./stream-response-reader.js";
import { scratchAllocator, writeStreamDataChunk } from "./stream-response-writer.js";

/**
 * Builds a grpc-js service definition straight from a protobuf-es service
 * descriptor, so neither side needs proto-loader at run time and both use the
 * same binary (de)serializers.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.name] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: FAST_REQUEST_SERIALIZERS.get(method.input.typeName) ?? serializer(method.input),
      requestDeserialize: deserializer(method.input),
      responseSerialize: FAST_SERIALIZERS.get(method.output.typeName) ?? serializer(method.output),
      responseDeserialize: FAST_DESERIALIZERS.get(method.output.typeName) ?? deserializer(method.output),
      originalName: method.localName,
    } as MethodDefinition<unknown, unknown>;
  }
  return definition as ServiceDefinition;
}

function serializer<D extends DescMessage>(schema: D) {
  return (message: MessageShape<D>) => {
    const bytes = toBinary(schema, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** The per-call hot response: written directly when it has the common shape. */
function serializeExecuteToolResponse(message: ExecuteToolResponse): Buffer {
  const bytes = writeExecuteToolResponse(message) ?? toBinary(ExecuteToolResponseSchema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * grpc-js copies a serialized response into its own frame before it serializes
 * the next one (serializeMessage in its server-interceptors), so one scratch
 * buffer serves the data chunks of every stream of the process.
 */
const chunkScratch = scratchAllocator();

/**
 * A stream's data chunks (one per 64 KB of payload): written directly, without an
 * allocation, and for a value from encodeValue without a copy either (the header goes
 * into the room the encoder left in front of it).
 */
function serializeStreamToolResponse(message: StreamToolResponse): Buffer {
  const written = writeStreamDataChunk(message, chunkScratch);
  if (written) return written;
  const bytes = toBinary(StreamToolResponseSchema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Falls back to toBinary where the hand-written writer declines (unknown fields, bad numbers). */
function serializeBatchExecuteToolsRequest(message: BatchExecuteToolsRequest): Buffer {
  return asBuffer(writeBatchExecuteToolsRequest(message) ?? toBinary(BatchExecuteToolsRequestSchema, message));
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Hand-written codecs of the hot messages, byte for byte what protobuf-es writes and reads. */
const FAST_SERIALIZERS = new Map<string, (message: never) => Buffer>([
  [ExecuteToolResponseSchema.typeName, serializeExecuteToolResponse],
  [StreamToolResponseSchema.typeName, serializeStreamToolResponse],
  [
    BatchExecuteToolsResponseSchema.typeName,
    (m: BatchExecuteToolsResponse) => asBuffer(writeBatchExecuteToolsResponse(m)),
  ],
]);
const FAST_REQUEST_SERIALIZERS = new Map<string, (message: never) => Buffer>([
  [BatchExecuteToolsRequestSchema.typeName, serializeBatchExecuteToolsRequest],
]);
const FAST_DESERIALIZERS = new Map<string, (bytes: Buffer) => unknown>([
  [StreamToolResponseSchema.typeName, readStreamToolResponse],
  [BatchExecuteToolsResponseSchema.typeName, readBatchExecuteToolsResponse],
]);

function deserializer<D extends DescMessage>(schema: D) {
  return (bytes: Buffer) => fromBinary(schema, bytes);
}

/** grpc-js definition of toolbridge.v1.BridgeService. */
export const bridgeServiceDefinition: ServiceDefinition = grpcServiceDefinition(BridgeService);
