// The parts of @toolbridge/protocol that the baseline (and the raw session opener)
// use: the grpc-js service definition, the generated messages and the shared
// limits, imported file by file so those processes never load the value codec
// (and Apache Arrow with it): that is toolbridge code, and its load time would blur
// the serve-ready scenario.

export * from "@toolbridge/protocol/gen";
export { bridgeServiceDefinition } from "../../packages/protocol/dist/grpc-service.js";
export { DEFAULT_LIMITS } from "../../packages/protocol/dist/limits.js";
