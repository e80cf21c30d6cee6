export * from "./gen.js";
export { bridgeServiceDefinition, grpcServiceDefinition } from "./grpc-service.js";
export { ERROR_TYPES, type ErrorType, isErrorType } from "./error-codes.js";
export { DEFAULT_LIMITS, type Limits } from "./limits.js";
