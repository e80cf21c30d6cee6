// The tagged JSON notation of conformance/values; the HTTP gateway parses values with it too.
export { fromTagged } from "./codec/conformance-notation.js";
export {
  CodecRegistry,
  type DecodeOptions,
  decodeValue,
  defaultCodecs,
  type EncodeOptions,
  encodeValue,
  Float64,
  INDEX_METADATA_KEY,
  isWireInt,
  RawExtension,
  registerCodec,
  TYPE_URL_PREFIX,
  VALUE_TYPE_NAMES,
  type ValueCodec,
} from "./codec/index.js";
export { ERROR_TYPES, type ErrorType, isErrorType } from "./error-codes.js";
export { EncodeError, type ErrorCode, type GrpcStatusName, ProtocolError, ToolBridgeError } from "./errors.js";
export { readExecuteToolRequest } from "./execute-request-reader.js";
export { writeExecuteToolRequest } from "./execute-request-writer.js";
export { readExecuteToolResponse } from "./execute-response-reader.js";
export * from "./gen.js";
export { bridgeServiceDefinition, grpcServiceDefinition } from "./grpc-service.js";
export { DEFAULT_LIMITS, type Limits } from "./limits.js";
export { hasPlainPrototype, setOwn } from "./own-keys.js";
export {
  decodeStatusDetails,
  encodeStatusDetails,
  errorInfoFromMetadata,
  RETRY_AFTER_KEY,
  STATUS_DETAILS_KEY,
  statusWithErrorInfo,
} from "./status-details.js";
export { decodeStreamData } from "./stream-data-value.js";
export { readStreamToolResponse } from "./stream-response-reader.js";
export { writeStreamDataChunk } from "./stream-response-writer.js";
