// Generated message types and schemas for toolbridge.v1 (protoc-gen-es).
export * from "./gen/toolbridge/v1/agents_pb.js";
export * from "./gen/toolbridge/v1/errors_pb.js";
export * from "./gen/toolbridge/v1/ops_pb.js";
export * from "./gen/toolbridge/v1/service_pb.js";
export * from "./gen/toolbridge/v1/sessions_pb.js";
export * from "./gen/toolbridge/v1/tools_pb.js";
export * from "./gen/toolbridge/v1/values_pb.js";
export * from "./gen/toolbridge/v1/variables_pb.js";
export * from "./gen/toolbridge/v1/workers_pb.js";
