import type { ToolDefinition } from "@toolbridge/host";
import { calculateTool } from "./calculate.js";
import { echoTool } from "./echo.js";
import { processTool } from "./process.js";
import { searchWebTool } from "./search-web.js";
import { streamDataTool } from "./stream-data.js";

/**
 * The five offline demo tools `toolbridge serve --demo` hosts. The Python tests,
 * benchmarks and examples reuse them, so they stay real and deterministic.
 */
export function demoTools(): ToolDefinition[] {
  return [calculateTool, searchWebTool, streamDataTool, echoTool, processTool];
}

export { evaluateExpression } from "./calculate.js";
export { CORPUS, type CorpusDocument } from "./corpus.js";
export { canonicalKey, type ProcessInput, type ProcessResult, processRecords } from "./process.js";
export { type SearchResult, searchCorpus } from "./search-web.js";
export { generateStream, type StreamDataInput, streamChunk } from "./stream-data.js";
