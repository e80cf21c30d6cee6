export { ERROR_TYPES, type ErrorType, isErrorType } from "./error-codes.js";
export { EncodeError, ProtocolError, ToolBridgeError } from "./errors.js";
export * from "./gen.js";
export { bridgeServiceDefinition, grpcServiceDefinition } from "./grpc-service.js";
export { DEFAULT_LIMITS, type Limits } from "./limits.js";
export {
  decodeStatusDetails,
  encodeStatusDetails,
  errorInfoFromMetadata,
  RETRY_AFTER_KEY,
  STATUS_DETAILS_KEY,
  statusWithErrorInfo,
} from "./status-details.js";
