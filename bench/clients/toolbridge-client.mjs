// toolbridge client adapter: the public TypeScript SDK used as users use it
// (proxy tools, .stream(), executeBatch), with its default options.
import { ToolBridge } from "@toolbridge/client";
import { TOOL } from "../lib/workload.mjs";

export async function connectToolbridge(address) {
  const bridge = new ToolBridge(address);
  const tools = await bridge.initialize(`bench-${process.pid}-${Date.now()}`);
  const echo = tools[TOOL.echo];
  const sleep = tools[TOOL.sleep];
  const stream = tools[TOOL.stream];
  return {
    echo: (text) => echo(text),
    sleep: () => sleep("10ms"),
    stream: async (count, chunkBytes) => {
      let bytes = 0;
      for await (const chunk of stream.stream(count, chunkBytes)) bytes += chunk.byteLength;
      return bytes;
    },
    batchEcho: async (texts) => {
      const results = await bridge.executeBatch(texts.map((text) => ({ tool: TOOL.echo, args: [text] })));
      const failed = results.find((result) => result instanceof Error);
      if (failed) throw failed;
      return results;
    },
    close: () => bridge.close(),
  };
}
