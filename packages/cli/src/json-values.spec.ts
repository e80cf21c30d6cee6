import { Float64 } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { jsonFromValue, valueFromJson } from "./json-values.js";
import { UsageError } from "./usage.js";

describe("CLI values as JSON (docs/json-values.md)", () => {
  it("prints plain JSON where it is exact and tags where it is not", () => {
    expect(jsonFromValue({ a: [1, "two", true, null], b: 1.5 })).toEqual({ a: [1, "two", true, null], b: 1.5 });
    expect(
      jsonFromValue({
        big: 2n ** 63n - 1n,
        small: 42n,
        bytes: new Uint8Array([0, 255, 16]),
        at: new Date("2024-01-02T03:04:05.678Z"),
        inf: Number.NEGATIVE_INFINITY,
        keys: new Map([[1n, "x"]]),
      }),
    ).toEqual({
      big: { $int: "9223372036854775807" },
      small: 42,
      bytes: { $bytes: "AP8Q" },
      at: { $ts: "2024-01-02T03:04:05.678Z" },
      inf: { $float: "-Infinity" },
      keys: { $map: [[1, "x"]] },
    });
  });

  it("reads what it prints, so output is valid input", () => {
    const value = { big: 2n ** 63n - 1n, bytes: new Uint8Array([1, 2]), when: new Date(0), list: [1, "x"] };
    expect(valueFromJson(jsonFromValue(value), "v")).toEqual(value);
  });

  it("keeps a tagged whole float a float", () => {
    expect(valueFromJson({ $float: "2" }, "v")).toEqual(new Float64(2));
    expect(valueFromJson(2, "v")).toBe(2);
  });

  it("rejects unreadable tags as a usage error naming the argument", () => {
    expect(() => valueFromJson({ $int: "not a number" }, "count")).toThrow(UsageError);
    expect(() => valueFromJson({ $int: "not a number" }, "count")).toThrow(/^argument count/);
  });
});
