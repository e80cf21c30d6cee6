import { clone, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { decodeValue, encodeValue, ToolSpecSchema, ToolType } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolFailure } from "../errors.js";
import type { ToolContext } from "../registry/types.js";
import { must } from "../testing/deferred.js";
import { defineTool } from "./define-tool.js";

const ctx = { signal: new AbortController().signal } as ToolContext;

const search = defineTool({
  name: "search",
  description: "Searches the corpus",
  input: z.object({
    query: z.string().min(1).max(200).describe("What to look for"),
    limit: z.number().int().min(1).max(50).default(10),
    tags: z.array(z.string()).optional(),
    mode: z.enum(["fast", "exact"]).default("fast"),
    since: z.date().optional(),
    blob: z.instanceof(Uint8Array).optional(),
  }),
  output: z.array(z.string()),
  handler: async ({ query, limit }) => Array.from({ length: limit }, (_, i) => `${query}${i}`),
  timeoutMs: 1234,
  limits: { maxConcurrentCalls: 2, rateLimitPerMinute: 60 },
});

describe("defineTool", () => {
  it("derives the ToolSpec from the zod schema", () => {
    const spec = search.spec;
    expect(spec.type).toBe(ToolType.STANDARD);
    expect(spec.returnType).toBe("list[str]");
    expect(spec.limits?.timeoutMs).toBe(1234);
    expect(spec.limits?.maxConcurrentCalls).toBe(2);
    const args = Object.fromEntries(spec.arguments.map((a) => [a.name, a]));
    expect(spec.arguments.map((a) => a.name)).toEqual(["query", "limit", "tags", "mode", "since", "blob"]);
    expect(args.query).toMatchObject({ type: "str", required: true, description: "What to look for" });
    expect(args.query?.validation).toMatchObject({ minLength: 1n, maxLength: 200n });
    expect(args.limit).toMatchObject({ type: "int", required: false });
    expect(args.limit?.validation).toMatchObject({ minValue: 1, maxValue: 50 });
    expect(decodeValue(must(args.limit?.defaultValue))).toBe(10);
    expect(args.tags).toMatchObject({ type: "list[str]", required: false });
    expect(args.mode?.validation?.enumValues).toEqual(["fast", "exact"]);
    expect(args.since?.type).toBe("datetime");
    expect(args.blob?.type).toBe("bytes");
    const schema = JSON.parse(spec.inputJsonSchema);
    expect(schema.required).toEqual(["query"]);
    expect(schema.properties.limit.default).toBe(10);
    expect(JSON.parse(spec.outputJsonSchema)).toMatchObject({ type: "array", items: { type: "string" } });
  });

  it("marks async generator handlers as streaming", () => {
    const tool = defineTool({
      name: "ticks",
      input: z.object({ n: z.number() }),
      async *handler({ n }) {
        yield n;
      },
    });
    expect(tool.streaming).toBe(true);
    expect(tool.spec.type).toBe(ToolType.STREAMING);
    expect(tool.spec.limits?.timeoutMs).toBe(300_000);
  });

  it("binds positional args in declaration order, kwargs by name, applies defaults", async () => {
    const result = await search.execute(
      { args: [encodeValue("q")], kwargs: { limit: encodeValue(2) }, context: {} },
      ctx,
    );
    expect(decodeValue(result)).toEqual(["q0", "q1"]);
  });

  it("names every bad field: wrong types, constraints, unknown and duplicated arguments", async () => {
    const failure = await search
      .execute(
        {
          args: [encodeValue(""), encodeValue(1)],
          kwargs: { limit: encodeValue(3), mode: encodeValue("slow"), bogus: encodeValue(1) },
          context: {},
        },
        ctx,
      )
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ToolFailure);
    const info = (failure as ToolFailure).info;
    expect(info.type).toBe("ValidationError");
    expect(Object.keys(info.details).sort()).toEqual(["bogus", "limit", "mode", "query"]);
    expect(info.details.limit).toContain("both positionally and by name");
    expect(info.details.bogus).toBe("unexpected argument");
  });

  it("rejects too many positional arguments", async () => {
    const tool = defineTool({ name: "one", input: z.object({ a: z.number() }), handler: ({ a }) => a });
    const failure = (await tool
      .execute({ args: [encodeValue(1), encodeValue(2)], kwargs: {}, context: {} }, ctx)
      .catch((e: unknown) => e)) as ToolFailure;
    expect(failure.info.fieldViolations.map((v) => v.field)).toEqual(["args[1]"]);
  });

  it("checks results against the output schema", async () => {
    const tool = defineTool({
      name: "liar",
      input: z.object({}),
      output: z.number(),
      handler: async () => "not a number" as unknown as number,
    });
    const failure = (await tool
      .execute({ args: [], kwargs: {}, context: {} }, ctx)
      .catch((e: unknown) => e)) as ToolFailure;
    expect(failure.info.type).toBe("ToolError");
    expect(failure.info.message).toContain("output schema");
  });

  it("refuses invalid tool names", () => {
    expect(() => defineTool({ name: "bad name", input: z.object({}), handler: () => 1 })).toThrow(/invalid tool name/);
  });

  it("derives the JSON Schema when the spec's schema fields are first read, not at definition", async () => {
    const query = z.string();
    const tool = defineTool({
      name: "lazy",
      input: z.object({ query }),
      output: z.string(),
      handler: ({ query }) => query,
    });
    expect(tool.spec.name).toBe("lazy");
    expect(tool.spec.limits?.timeoutMs).toBe(30_000);
    // zod reads its metadata registry when it writes JSON Schema: metadata added after
    // defineTool shows up only because nothing was derived yet.
    z.globalRegistry.add(query, { description: "registered after defineTool" });

    expect(tool.spec.arguments.map((a) => [a.name, a.type, a.description])).toEqual([
      ["query", "str", "registered after defineTool"],
    ]);
    expect(tool.spec.returnType).toBe("str");
    expect(JSON.parse(tool.spec.inputJsonSchema).required).toEqual(["query"]);
    expect(JSON.parse(tool.spec.outputJsonSchema)).toEqual(expect.objectContaining({ type: "string" }));
    expect(decodeValue(await tool.execute({ args: [encodeValue("q")], kwargs: {}, context: {} }, ctx))).toBe("q");
  });

  it("gives a spec that copies, serializes and can be changed like any message, before and after derivation", () => {
    const make = () =>
      defineTool({ name: "copy", input: z.object({ n: z.number().int() }), output: z.number(), handler: ({ n }) => n });
    const cloned = clone(ToolSpecSchema, make().spec);
    expect(cloned.arguments.map((a) => a.type)).toEqual(["int"]);
    const decoded = fromBinary(ToolSpecSchema, toBinary(ToolSpecSchema, make().spec));
    expect(equals(ToolSpecSchema, decoded, cloned)).toBe(true);
    expect({ ...make().spec }.returnType).toBe("float");

    const changed = make().spec;
    changed.returnType = "number"; // written before any read
    changed.inputJsonSchema = "{}";
    expect(changed.returnType).toBe("number");
    expect(changed.inputJsonSchema).toBe("{}");
    expect(changed.arguments.map((a) => a.name)).toEqual(["n"]);
  });
});
