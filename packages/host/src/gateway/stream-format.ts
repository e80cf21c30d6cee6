import type { ServerResponse } from "node:http";
import { ExecutionMetricsSchema, type StreamToolResponse } from "@toolbridge/protocol";
import type { Json } from "./json-values.js";
import { jsonFromAny } from "./json-values.js";
import { messageJson } from "./messages.js";
import { problemFromInfo } from "./problem.js";

/**
 * Stream chunks on the wire: NDJSON (one JSON object per line) by default, or
 * Server-Sent Events (event = the line's `type`, id = its sequence) when the
 * client asks for text/event-stream. Both carry the same objects.
 */
export type StreamFormat = "ndjson" | "sse";

export const CONTENT_TYPES: Record<StreamFormat, string> = {
  ndjson: "application/x-ndjson; charset=utf-8",
  sse: "text/event-stream; charset=utf-8",
};

export function streamFormat(accept: string | undefined): StreamFormat {
  return accept?.includes("text/event-stream") ? "sse" : "ndjson";
}

/** One chunk as its line object: {type: data|metadata|complete|error, sequence, ...}. */
export function chunkJson(chunk: StreamToolResponse): { [key: string]: Json } {
  const sequence = Number(chunk.sequence);
  const content = chunk.content;
  switch (content.case) {
    case "data":
      return { type: "data", sequence, data: jsonFromAny(content.value) };
    case "metadata":
      return { type: "metadata", sequence, entries: { ...content.value.entries } };
    case "complete":
      return {
        type: "complete",
        sequence,
        stream_id: chunk.streamId,
        total_chunks: Number(content.value.totalChunks),
        total_bytes: Number(content.value.totalBytes),
        request_id: content.value.requestId,
        metrics: content.value.metrics ? messageJson(ExecutionMetricsSchema, content.value.metrics) : null,
      };
    case "error":
      return { type: "error", sequence, error: problemFromInfo(content.value) as unknown as Json };
    default:
      return { type: "empty", sequence };
  }
}

export function frame(format: StreamFormat, line: { [key: string]: Json }): string {
  const json = JSON.stringify(line);
  if (format === "ndjson") return `${json}\n`;
  return `id: ${String(line.sequence ?? "")}\nevent: ${String(line.type)}\ndata: ${json}\n\n`;
}

/** Resolves when the response can take more data or has closed. */
export function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
