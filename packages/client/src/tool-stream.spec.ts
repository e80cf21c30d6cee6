import { createHost, defineTool, type Host } from "@toolbridge/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolBridge } from "./index.js";

// The client takes stream messages in flowing mode with its own read-ahead queue
// (tool-stream.ts): a consumer that stops reading must still hold the host back,
// and one that reads slowly must still get every byte in order.

const CHUNK_BYTES = 64 * 1024;
const TOTAL_CHUNKS = 1000; // 64 MB: far more than the 8 MiB window and every buffer on the way

let host: Host;
let bridge: ToolBridge;
let produced = 0;
let finallyRan = 0;

beforeAll(async () => {
  host = await createHost({
    port: 0,
    host: "127.0.0.1",
    tools: [
      defineTool({
        name: "firehose",
        description: "Streams `count` chunks whose bytes all equal their index (mod 256)",
        input: z.object({ count: z.number().int() }),
        async *handler({ count }) {
          try {
            for (let i = 0; i < count; i++) {
              produced++;
              yield new Uint8Array(CHUNK_BYTES).fill(i & 255);
            }
          } finally {
            finallyRan++;
          }
        },
      }),
    ],
  });
  bridge = new ToolBridge(host.address);
  await bridge.initialize("tool-stream-spec");
});

afterAll(async () => {
  await bridge?.close();
  await host?.close();
});

const settled = async (read: () => number) => {
  let last = -1;
  while (read() !== last) {
    last = read();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return last;
};

describe("readToolStream", () => {
  it("holds the host back while the consumer does not read, and cancels it on leaving", async () => {
    produced = 0;
    finallyRan = 0;
    const chunks = bridge.streamTool("firehose", TOTAL_CHUNKS)[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.value).toBeInstanceOf(Uint8Array);
    expect(await settled(() => produced)).toBeLessThan(TOTAL_CHUNKS / 2);
    await chunks.return?.(undefined);
    await settled(() => finallyRan);
    expect(finallyRan).toBe(1);
    expect(produced).toBeLessThan(TOTAL_CHUNKS);
  });

  it("gives a slow consumer every chunk, in order and intact", async () => {
    let index = 0;
    let intact = true;
    for await (const chunk of bridge.streamTool("firehose", 300)) {
      const bytes = chunk as Uint8Array;
      intact &&= bytes.length === CHUNK_BYTES && bytes[0] === (index & 255) && bytes[CHUNK_BYTES - 1] === (index & 255);
      if (index++ % 60 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(index).toBe(300);
    expect(intact).toBe(true);
  });
});
