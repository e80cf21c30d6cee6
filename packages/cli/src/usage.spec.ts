import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { parseCommandLine, parseKeyValues, parsePort, UsageError } from "./usage.js";

describe("parseKeyValues", () => {
  it("parses JSON values and keeps everything else as a string", () => {
    expect(parseKeyValues(["expression=2 + 2", "n=5", "flag=true", "list=[1,2]", 'q="5"', "eq=a=b", "empty="])).toEqual(
      {
        expression: "2 + 2",
        n: 5,
        flag: true,
        list: [1, 2],
        q: "5",
        eq: "a=b",
        empty: "",
      },
    );
  });

  it("rejects words without a key and repeated keys", () => {
    expect(() => parseKeyValues(["novalue"])).toThrow(new UsageError('call: expected key=value, got "novalue"'));
    expect(() => parseKeyValues(["=5"])).toThrow(UsageError);
    expect(() => parseKeyValues(["a=1", "a=2"])).toThrow("argument a given twice");
  });
});

describe("parsePort", () => {
  it("accepts 0-65535 and rejects anything else", () => {
    expect(parsePort("port", "0")).toBe(0);
    expect(parsePort("port", "65535")).toBe(65535);
    for (const bad of ["65536", "-1", "abc", "1.5", ""]) expect(() => parsePort("port", bad)).toThrow(UsageError);
  });
});

describe("parseCommandLine", () => {
  it("turns parseArgs errors into UsageErrors that point at the command's help", () => {
    const parse = (args: string[]) =>
      parseCommandLine("serve", () => parseArgs({ args, options: { demo: { type: "boolean" } }, strict: true }));
    expect(() => parse(["--nope"])).toThrow(/^serve: Unknown option '--nope'.*see "toolbridge serve --help"/);
    expect(() => parse(["extra"])).toThrow(UsageError);
    expect(parse(["--demo"]).values.demo).toBe(true);
  });
});
