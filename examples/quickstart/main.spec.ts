import { expect, it } from "vitest";
import { main } from "./main.js";

it("quickstart serves word_count and calls it through the client, errors included", async () => {
  const lines: string[] = [];
  await main((...values) => lines.push(values.map(String).join(" ")));
  expect(lines[0]).toBe("words: 6");
  expect(lines[1]).toBe("unique words: 4");
  expect(lines[2]).toMatch(/^error: ValidationError .*text/);
});
