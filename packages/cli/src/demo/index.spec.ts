import { ValidationError } from "@toolbridge/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSession, openDemoSession } from "../test-support/demo-session.js";
import { demoTools } from "./index.js";

describe("demoTools", () => {
  it("declares the five demo tools once each", () => {
    expect(demoTools().map((tool) => tool.name)).toEqual(["calculate", "search_web", "stream_data", "echo", "process"]);
    expect(
      demoTools()
        .filter((tool) => tool.streaming)
        .map((tool) => tool.name),
    ).toEqual(["stream_data"]);
  });
});

describe("demo tools over a real host", () => {
  let demo: DemoSession;
  beforeAll(async () => {
    demo = await openDemoSession("demo-tools-spec");
  });
  afterAll(() => demo?.close());

  const tool = (name: string) => {
    const found = demo.tools[name];
    if (!found) throw new Error(`no ${name} tool in the session`);
    return found;
  };

  it("search_web takes the query positionally, as the spec's Python test calls it", async () => {
    const results = (await tool("search_web")("DSPy framework")) as { title: string }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.title).toContain("DSPy");
  });

  it("calculate's errors arrive as ValidationError naming the field", async () => {
    const error = await tool("calculate")({ expression: "2 +" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain("expression ends where a number was expected");
  });

  it("stream_data streams its chunks in order", async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of tool("stream_data").stream({ count: 5, size: 3 })) chunks.push(chunk as Uint8Array);
    expect(chunks).toEqual([0, 1, 2, 3, 4].map((i) => new Uint8Array(3).fill(i)));
  });

  it("process summarizes records sent over the wire", async () => {
    const result = await tool("process")({ records: [{ n: 1 }, { n: 3 }], operation: "summarize", field: "n" });
    expect(result).toMatchObject({ count: 2, fields: { n: { numeric: { sum: 4, mean: 2 } } } });
  });
});
