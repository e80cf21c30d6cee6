import { describe, expect, it } from "vitest";
import { toPrintableJson } from "./json-output.js";

describe("toPrintableJson", () => {
  it("passes plain JSON through untouched, with no notes", () => {
    const value = { a: [1, "two", true, null], b: { c: 1.5 } };
    expect(toPrintableJson(value)).toEqual({ json: value, notes: [] });
  });

  it("prints values JSON cannot hold exactly as strings, and says where", () => {
    const { json, notes } = toPrintableJson({
      big: 2n ** 63n - 1n,
      small: 42n,
      bytes: new Uint8Array([0, 255, 16]),
      at: new Date("2024-01-02T03:04:05.678Z"),
      inf: [Number.NEGATIVE_INFINITY, Number.NaN],
      gone: undefined,
    });
    expect(json).toEqual({
      big: "9223372036854775807",
      small: 42,
      bytes: "AP8Q",
      at: "2024-01-02T03:04:05.678Z",
      inf: ["-Infinity", "NaN"],
      gone: null,
    });
    expect(notes).toEqual([
      "$.big: int64 beyond 2^53 printed as a decimal string",
      "$.bytes: bytes printed as base64",
      "$.at: timestamp printed as an ISO 8601 string",
      "$.inf[0]: non-finite number printed as a string",
    ]);
  });

  it("prints maps as objects when keys are strings, as pairs otherwise", () => {
    expect(toPrintableJson(new Map([["a", 1]])).json).toEqual({ a: 1 });
    const pairs = toPrintableJson(new Map([[1n, "x"]]));
    expect(pairs.json).toEqual([[1, "x"]]);
    expect(pairs.notes).toEqual(["$: map with non-string keys printed as [key, value] pairs"]);
  });

  it("notes a conversion once per path shape, not once per array item", () => {
    const { notes } = toPrintableJson([new Uint8Array(1), new Uint8Array(2)]);
    expect(notes).toEqual(["$[0]: bytes printed as base64"]);
  });
});
