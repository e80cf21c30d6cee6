import { describe, expect, it } from "vitest";
import { generateStream, streamChunk, streamDataInput } from "./stream-data.js";

async function collect(input: Record<string, unknown>, signal = new AbortController().signal) {
  const chunks: (Uint8Array | string)[] = [];
  for await (const chunk of generateStream(streamDataInput.parse(input), signal)) chunks.push(chunk);
  return chunks;
}

describe("stream_data", () => {
  it("yields count chunks of size bytes, chunk i filled with i % 256", async () => {
    const chunks = await collect({ count: 300, size: 4 });
    expect(chunks).toHaveLength(300);
    expect(chunks[0]).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(chunks[257]).toEqual(new Uint8Array([1, 1, 1, 1]));
  });

  it("defaults to 10 chunks of 64 bytes, and yields text when asked", async () => {
    const chunks = await collect({});
    expect(chunks.map((c) => c.length)).toEqual(Array(10).fill(64));
    expect(await collect({ count: 3, size: 2, encoding: "text" })).toEqual(["aa", "bb", "cc"]);
    expect(streamChunk(27, 1, "text")).toBe("b");
    expect(await collect({ count: 0 })).toEqual([]);
  });

  it("stops as soon as the signal aborts, even while waiting between chunks", async () => {
    const controller = new AbortController();
    const received: unknown[] = [];
    const run = (async () => {
      for await (const chunk of generateStream(
        streamDataInput.parse({ count: 1000, delay_ms: 60_000 }),
        controller.signal,
      )) {
        received.push(chunk);
        controller.abort(new Error("caller went away"));
      }
    })();
    await expect(run).rejects.toThrow("caller went away");
    expect(received).toHaveLength(1);
  });

  it("rejects negative counts, oversized chunks and unknown encodings", () => {
    expect(streamDataInput.safeParse({ count: -1 }).success).toBe(false);
    expect(streamDataInput.safeParse({ size: 64 * 1024 * 1024 }).success).toBe(false);
    expect(streamDataInput.safeParse({ encoding: "utf16" }).success).toBe(false);
  });
});
