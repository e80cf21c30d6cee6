// Issue 5: streaming — sequence numbers, final chunk, errors, cancel, backpressure.
import { type ClientReadableStream, status } from "@grpc/grpc-js";
import { decodeValue, encodeValue, type StreamToolResponse } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { deferred, until } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

const CHUNK = 64 * 1024;
const TOTAL_CHUNKS = 3000; // 192 MB if it were all buffered
let produced = 0;
let finallyRan = 0;

const tools = [
  defineTool({
    name: "firehose",
    input: z.object({ chunks: z.number().int() }),
    async *handler({ chunks }) {
      try {
        for (let i = 0; i < chunks; i++) {
          produced++;
          yield new Uint8Array(CHUNK).fill(i % 251);
        }
      } finally {
        finallyRan++;
      }
    },
  }),
  defineTool({
    name: "breaks",
    input: z.object({ after: z.number().int() }),
    async *handler({ after }) {
      for (let i = 0; i < after; i++) yield i;
      throw new TypeError(`broke after ${after}`);
    },
  }),
  defineTool({
    name: "plain",
    input: z.object({ v: z.string() }),
    handler: async ({ v }) => v.toUpperCase(),
  }),
];

let t: Started;
beforeAll(async () => {
  t = await startHost({ tools });
  await t.client.unary("initializeSession", { sessionId: "s" });
});
afterAll(() => t.stop());

describe("streaming", () => {
  it("numbers chunks from 0 and ends with complete{total_chunks, metrics}", async () => {
    produced = 0;
    const chunks = await t.client.collect("streamTool", { sessionId: "s", toolId: "firehose", args: [encodeValue(5)] });
    expect(chunks.map((c) => Number(c.sequence))).toEqual([0, 1, 2, 3, 4, 5]);
    const last = chunks.at(-1);
    expect(last?.content.case).toBe("complete");
    if (last?.content.case === "complete") {
      expect(last.content.value.totalChunks).toBe(5n);
      expect(last.content.value.metrics?.durationMs).toBeGreaterThan(0);
      expect(last.content.value.totalBytes).toBeGreaterThan(5n * BigInt(CHUNK));
    }
    const streamIds = new Set(chunks.map((c) => c.streamId));
    expect(streamIds.size).toBe(1);
  });

  it("a generator that throws ends the stream with an error chunk", async () => {
    const chunks = await t.client.collect("streamTool", { sessionId: "s", toolId: "breaks", args: [encodeValue(2)] });
    expect(chunks.map((c) => c.content.case)).toEqual(["data", "data", "error"]);
    const last = chunks.at(-1);
    if (last?.content.case === "error") {
      expect(last.content.value.type).toBe("TypeError");
      expect(last.content.value.message).toBe("broke after 2");
    }
    expect(Number(last?.sequence)).toBe(2);
  });

  it("a unary tool called with StreamTool gives one data chunk and complete", async () => {
    const chunks = await t.client.collect("streamTool", { sessionId: "s", toolId: "plain", args: [encodeValue("x")] });
    expect(chunks.map((c) => c.content.case)).toEqual(["data", "complete"]);
    expect(decodeValue(chunks[0]?.content.value as never)).toBe("X");
  });

  it("unknown tool and bad arguments arrive as an error chunk", async () => {
    const missing = await t.client.collect("streamTool", { sessionId: "s", toolId: "nope" });
    expect(missing.map((c) => c.content.case)).toEqual(["error"]);
    const invalid = await t.client.collect("streamTool", {
      sessionId: "s",
      toolId: "firehose",
      args: [encodeValue("x")],
    });
    expect(invalid[0]?.content.case === "error" && invalid[0].content.value.type).toBe("ValidationError");
  });

  it("a slow reader pauses the generator: host memory stays bounded; cancel runs finally", async () => {
    produced = 0;
    finallyRan = 0;
    const before = process.memoryUsage();
    const stream = t.client.stream("streamTool", {
      sessionId: "s",
      toolId: "firehose",
      args: [encodeValue(TOTAL_CHUNKS)],
    });
    const firstChunk = deferred<StreamToolResponse>();
    let received = 0;
    stream.on("data", (chunk: StreamToolResponse) => {
      received++;
      if (received === 1) {
        stream.pause();
        firstChunk.resolve(chunk);
      }
    });
    stream.on("error", () => {});
    await firstChunk.promise;
    // Let the producer run until flow control stops it (it stops producing once buffers are full).
    let last = -1;
    while (produced !== last) {
      last = produced;
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = process.memoryUsage();
    const growthMb = (after.rss - before.rss) / 1024 / 1024;
    if (process.env.TB_REPORT)
      console.log(`paused reader: produced ${produced} chunks, rss growth ${growthMb.toFixed(1)} MB`);
    expect(produced).toBeLessThan(TOTAL_CHUNKS / 4);
    expect(growthMb).toBeLessThan(50);
    (stream as ClientReadableStream<unknown>).cancel();
    await until(() => finallyRan === 1);
    expect(produced).toBeLessThan(TOTAL_CHUNKS);
  });

  it("a slow reader still gets every chunk in order", async () => {
    produced = 0;
    const stream = t.client.stream("streamTool", { sessionId: "s", toolId: "firehose", args: [encodeValue(200)] });
    let expected = 0n;
    let ok = true;
    let index = 0;
    for await (const chunk of stream as AsyncIterable<StreamToolResponse>) {
      ok &&= chunk.sequence === expected;
      expected++;
      if (chunk.content.case === "data" && index++ % 50 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(ok).toBe(true);
    expect(expected).toBe(201n);
  });

  it("StreamTool on an unknown session fails with NOT_FOUND", async () => {
    const error = await t.client.collect("streamTool", { sessionId: "ghost", toolId: "plain" }).catch((e) => e);
    expect(error.code).toBe(status.NOT_FOUND);
  });
});
