import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { typecheck } from "./test-support/typecheck.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

describe("README", () => {
  it("has TypeScript examples", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
  });

  it("every ts snippet compiles under strict settings", () => {
    const files = Object.fromEntries(snippets.map((source, index) => [`snippet-${index + 1}.mts`, source]));
    expect(typecheck(files)).toEqual([]);
  });
});
