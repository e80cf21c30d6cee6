export { type Gateway, type GatewayOptions, gatewayRoutes, startGateway } from "./gateway.js";
export { anyFromJson, type Json, JsonValueError, jsonFromAny } from "./json-values.js";
export { PROBLEM_CONTENT_TYPE, type Problem } from "./problem.js";
