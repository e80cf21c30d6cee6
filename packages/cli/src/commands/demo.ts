import { parseArgs } from "node:util";
import { ToolBridge } from "@toolbridge/client";
import { createHost } from "@toolbridge/host";
import { ToolBridgeError } from "@toolbridge/protocol";
import { demoTools } from "../demo/index.js";
import { jsonFromValue } from "../json-values.js";
import { stderrLogger } from "../logger.js";
import { parseCommandLine } from "../usage.js";

export const demoHelp = `Usage: toolbridge demo

Starts a host with the demo tools on a free loopback port, then a client in the
same process does a round trip over gRPC and prints each step:
initialize -> calculate "2 + 2" -> 10 chunks from stream_data -> a batch of 5.
Exits 0 when every result is what the tools must return, 1 otherwise.`;

/** The batch the demo sends, with what each call must return. */
const BATCH = [
  { tool: "calculate", kwargs: { expression: "(1 + 2) * 3 ** 2" }, expect: (r: unknown) => r === 27 },
  { tool: "calculate", kwargs: { expression: "10 / 4" }, expect: (r: unknown) => r === 2.5 },
  {
    tool: "search_web",
    kwargs: { query: "DSPy framework", limit: 1 },
    expect: (r: unknown) => Array.isArray(r) && r.length === 1 && (r[0] as { url?: string }).url === "https://dspy.ai/",
  },
  {
    tool: "echo",
    kwargs: { value: { ok: true, n: 7 } },
    expect: (r: unknown) => JSON.stringify(r) === '{"ok":true,"n":7}',
  },
  {
    tool: "process",
    kwargs: { records: [{ v: 3 }, { v: 1 }, { v: 3 }], operation: "dedupe", field: "v" },
    expect: (r: unknown) => (r as { count?: number }).count === 2,
  },
] as const;

export async function demo(argv: string[]): Promise<void> {
  parseCommandLine("demo", () => parseArgs({ args: argv, options: {}, strict: true }));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const hosted = demoTools();
  const host = await createHost({ tools: hosted, port: 0, host: "127.0.0.1", logger: stderrLogger("warn") });
  const bridge = new ToolBridge(host.address);
  try {
    out(`host: listening on ${host.address} with ${hosted.length} demo tools`);

    const tools = await bridge.initialize("demo-session");
    out(`initialize("demo-session") -> ${Object.keys(tools).length} tools: ${Object.keys(tools).join(", ")}`);

    const sum = await required(tools, "calculate")({ expression: "2 + 2" });
    check(sum === 4, `calculate("2 + 2") returned ${show(sum)}, expected 4`);
    out(`calculate({ expression: "2 + 2" }) = ${show(sum)}`);

    const sizes: number[] = [];
    for await (const chunk of required(tools, "stream_data").stream({ count: 10, size: 1024 })) {
      sizes.push((chunk as Uint8Array).byteLength);
    }
    check(sizes.length === 10 && sizes.every((n) => n === 1024), `stream_data gave chunks of ${show(sizes)} bytes`);
    out(`stream_data({ count: 10, size: 1024 }) -> ${sizes.length} chunks, ${total(sizes)} bytes`);

    const results = await bridge.executeBatch(BATCH.map(({ tool, kwargs }) => ({ tool, kwargs })));
    out(`executeBatch(${BATCH.length} calls) -> ${results.length} results`);
    BATCH.forEach((item, i) => {
      const result = results[i];
      if (result instanceof ToolBridgeError) throw result;
      check(item.expect(result), `batch item ${i} (${item.tool}) returned ${show(result)}`);
      out(`  [${i}] ${item.tool}(${show(item.kwargs)}) = ${show(result)}`);
    });
    out("round trip complete");
  } finally {
    await bridge.close();
    await host.close();
  }
}

function required<T>(tools: Record<string, T>, name: string): T {
  const tool = tools[name];
  if (!tool) throw new Error(`the demo session has no ${name} tool`);
  return tool;
}

function check(ok: boolean, failure: string): void {
  if (!ok) throw new Error(`demo failed: ${failure}`);
}

function show(value: unknown): string {
  const text = JSON.stringify(jsonFromValue(value));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function total(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
