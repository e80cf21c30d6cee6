// Quickstart: declare a tool, serve it, call it from a client as a local async function.
// Run: npm run build && npx tsc -p examples/quickstart && node examples/quickstart/dist/main.js
import { pathToFileURL } from "node:url";
import { ToolBridge, ToolBridgeError } from "@toolbridge/client";
import { createHost, defineTool } from "@toolbridge/host";
import { z } from "zod";

const wordCount = defineTool({
  name: "word_count",
  description: "Count the words in a text",
  input: z.object({ text: z.string(), unique: z.boolean().default(false) }),
  handler: ({ text, unique }) => {
    const words = text.split(/\s+/).filter(Boolean);
    return unique ? new Set(words.map((w) => w.toLowerCase())).size : words.length;
  },
});

/** The tool's types, as `toolbridge tools --emit-ts` writes them: the proxies below are fully typed. */
type QuickstartTools = {
  word_count: {
    args: [text: string, unique?: boolean];
    kwargs: { text: string; unique?: boolean };
    result: number;
    chunk: never;
  };
};

export async function main(log: (...values: unknown[]) => void = console.log): Promise<void> {
  // logLevel "warn": the host logs JSON lines to stdout, which would interleave with this example's output.
  const host = await createHost({ tools: [wordCount], port: 0, host: "127.0.0.1", logLevel: "warn" });
  const bridge = new ToolBridge<QuickstartTools>(host.address);
  try {
    const tools = await bridge.initialize("quickstart");
    log("words:", await tools.word_count({ text: "To be or not to be" }));
    log("unique words:", await tools.word_count({ text: "To be or not to be", unique: true }));
    try {
      // An untyped call, so a wrong argument type gets past the compiler and reaches the host.
      await bridge.callTool("word_count", { text: 42 });
    } catch (error) {
      // Bad arguments come back as a typed error naming the field, before the handler runs.
      if (!(error instanceof ToolBridgeError)) throw error;
      log("error:", error.code, error.message);
    }
  } finally {
    await bridge.close();
    await host.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
