import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSession, openDemoSession } from "../test-support/demo-session.js";

describe("echo over a real host", () => {
  let demo: DemoSession;
  beforeAll(async () => {
    demo = await openDemoSession("echo-spec");
  });
  afterAll(() => demo?.close());

  it.each([
    ["a string", "héllo, 世界 🌍"],
    ["an integer", 42],
    ["a float", 0.1 + 0.2],
    ["an int64 beyond 2^53", 2n ** 63n - 1n],
    ["bytes", new Uint8Array([0, 1, 254, 255])],
    ["a timestamp", new Date("2024-02-29T12:34:56.789Z")],
    ["null", null],
    ["a nested structure", { list: [1, "two", [3]], map: { deep: { deeper: true } }, empty: [] }],
  ])("returns %s unchanged", async (_label, value) => {
    const echo = demo.tools.echo;
    expect(echo).toBeDefined();
    expect(await echo?.({ value })).toEqual(value);
  });
});
