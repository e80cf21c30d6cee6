export * from "./demo/index.js";
export { type Json, jsonFromValue, valueFromJson } from "./json-values.js";
