import { create } from "@bufbuild/protobuf";
import { defineTool } from "@toolbridge/host";
import { ToolSpecSchema } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { emitTypeScript, fromJsonSchema, fromTypeName } from "./emit-ts.js";
import { typecheck } from "./test-support/typecheck.js";

// Specs as the host derives them from zod schemas, so the emitter is tested on what it will meet.
const specs = [
  defineTool({
    name: "calculate",
    description: "Evaluates an arithmetic expression",
    input: z.object({ expression: z.string() }),
    output: z.number(),
    handler: () => 4,
  }).spec,
  defineTool({
    name: "search_web",
    description: "Searches the offline corpus",
    input: z.object({ query: z.string(), limit: z.number().int().optional() }),
    output: z.array(z.object({ title: z.string(), url: z.string() })),
    handler: () => [],
  }).spec,
  defineTool({
    name: "stream_data",
    input: z.object({ count: z.number().int(), mode: z.enum(["fast", "slow"]).optional() }),
    output: z.string(),
    async *handler() {
      yield "x";
    },
  }).spec,
];

describe("emitTypeScript", () => {
  it("writes a map with args, kwargs, result and chunk per tool", () => {
    const source = emitTypeScript(specs);
    expect(source).toContain("export type BridgeTools = {");
    expect(source).toContain("args: [expression: string];");
    expect(source).toContain("kwargs: { query: string; limit?: number };");
    expect(source).toContain("args: [query: string, limit?: number];");
    expect(source).toContain('kwargs: { count: number; mode?: "fast" | "slow" };');
    expect(source).toContain("    result: unknown;\n    chunk: string;");
    expect(source).toContain("/** Evaluates an arithmetic expression */");
  });

  it("gives typed proxies that accept right calls and reject wrong ones", () => {
    const usage = `
import { ToolBridge } from "@toolbridge/client";
import type { BridgeTools } from "./bridge-tools.mjs";

const bridge = new ToolBridge<BridgeTools>("127.0.0.1:50051");
const tools = await bridge.initialize("typed");
const four: number = await tools.calculate("2 + 2");
const five: number = await tools.calculate({ expression: "2 + 3" });
const hits: { title: string; url: string }[] = await tools.search_web("dspy", 3);
for await (const chunk of tools.stream_data.stream({ count: 2, mode: "fast" })) {
  const text: string = chunk;
  void text;
}
const retried: number = await bridge.executeWithRetry(tools.calculate, ["1 + 1"], { maxRetries: 1 });
const viaTool: number = await bridge.tool("calculate").call({ expression: "1" }, { timeoutMs: 100 });
// @ts-expect-error: expression must be a string
await tools.calculate(4);
// @ts-expect-error: expression must be a string, with retries too
await bridge.executeWithRetry(tools.calculate, [4]);
// @ts-expect-error: unknown keyword argument
await tools.calculate({ expr: "1" });
// @ts-expect-error: the result is a number
const wrong: string = await tools.calculate("1");
// @ts-expect-error: no such tool
await tools.missing();
void [four, five, hits, wrong, retried, viaTool];
`;
    expect(typecheck({ "bridge-tools.mts": emitTypeScript(specs), "usage.mts": usage })).toEqual([]);
  });

  it("quotes names that are not identifiers and labels odd argument names safely", () => {
    const spec = create(ToolSpecSchema, {
      name: "my-tool",
      arguments: [
        { name: "first-arg", type: "list[str]", required: true },
        { name: "default", type: "dict[str, int]", required: false },
        { name: "when", type: "datetime", required: true },
      ],
    });
    const source = emitTypeScript([spec], { typeName: "Odd" });
    expect(source).toContain('"my-tool": {');
    expect(source).toContain("args: [first_arg: string[], default_: Record<string, number> | undefined, when: Date];");
    expect(typecheck({ "odd.mts": source })).toEqual([]);
  });
});

describe("type translation", () => {
  it.each([
    ["str", "string"],
    ["int", "number"],
    ["bytes", "Uint8Array"],
    ["datetime", "Date"],
    ["list[str]", "string[]"],
    ["dict[str, int]", "Record<string, number>"],
    ["optional[float]", "number | null"],
    ["list[int | str]", "(number | string)[]"],
    ["mystery", "unknown"],
  ])("type name %s -> %s", (name, type) => {
    expect(fromTypeName(name)).toBe(type);
  });

  it("translates JSON Schema objects, unions, enums and tuples", () => {
    expect(
      fromJsonSchema({
        type: "object",
        properties: { a: { type: "integer" }, b: { anyOf: [{ type: "string" }, { type: "null" }] } },
        required: ["a"],
        additionalProperties: false,
      }),
    ).toBe("{ a: number; b?: string | null }");
    expect(fromJsonSchema({ enum: ["x", 1] })).toBe('"x" | 1');
    expect(fromJsonSchema({ type: "array", prefixItems: [{ type: "string" }, { type: "boolean" }] })).toBe(
      "[string, boolean]",
    );
    expect(fromJsonSchema({})).toBe("unknown");
  });
});
