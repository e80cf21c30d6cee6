export * from "./demo/index.js";
export { type PrintableJson, toPrintableJson } from "./json-output.js";
