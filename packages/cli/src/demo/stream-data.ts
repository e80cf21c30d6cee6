import { setTimeout as sleep } from "node:timers/promises";
import { defineTool } from "@toolbridge/host";
import { DEFAULT_LIMITS } from "@toolbridge/protocol";
import { z } from "zod";

/**
 * `stream_data`: yields `count` chunks of `size` bytes (or characters). Chunk i
 * is filled with byte i % 256 (or letter i % 26), so a receiver can check order
 * and completeness without any shared state. Used by the demo, the stream tests
 * and the throughput benchmarks (64 KB chunks by default there).
 */

export const MAX_STREAM_CHUNKS = 10_000_000;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

export const streamDataInput = z.object({
  count: z.number().int().min(0).max(MAX_STREAM_CHUNKS).default(10).describe("Number of chunks to send"),
  size: z
    .number()
    .int()
    .min(0)
    // Leaves room for the envelope so one chunk always fits in one gRPC message.
    .max(DEFAULT_LIMITS.maxMessageBytes - 64 * 1024)
    .default(64)
    .describe("Bytes (or characters) per chunk"),
  encoding: z.enum(["bytes", "text"]).default("bytes").describe("bytes: Uint8Array chunks; text: string chunks"),
  delay_ms: z.number().int().min(0).max(60_000).default(0).describe("Pause before each chunk after the first"),
});

export type StreamDataInput = z.output<typeof streamDataInput>;

/** The chunk at `index`, as `stream_data` sends it. */
export function streamChunk(index: number, size: number, encoding: StreamDataInput["encoding"]): Uint8Array | string {
  return encoding === "bytes" ? new Uint8Array(size).fill(index % 256) : (LETTERS[index % 26] as string).repeat(size);
}

export async function* generateStream(
  { count, size, encoding, delay_ms }: StreamDataInput,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array | string> {
  for (let index = 0; index < count; index++) {
    // Checked before each chunk: a cancelled call stops producing at once, not after `count` chunks.
    signal.throwIfAborted();
    if (delay_ms > 0 && index > 0) await sleep(delay_ms, undefined, { signal });
    yield streamChunk(index, size, encoding);
  }
}

export const streamDataTool = defineTool({
  name: "stream_data",
  description: "Stream `count` chunks of `size` bytes (chunk i filled with byte i % 256) or characters.",
  input: streamDataInput,
  handler: async function* (args, ctx) {
    yield* generateStream(args, ctx.signal);
  },
});
