import { create } from "@bufbuild/protobuf";
import { decodeValue, EncodeError, ToolSpecSchema } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { bindCallArguments, bindCallValues, kwargs } from "./args.js";

const spec = create(ToolSpecSchema, {
  name: "search",
  arguments: [
    { name: "query", type: "str", required: true },
    { name: "limit", type: "int", required: false },
  ],
});

function decoded(bound: ReturnType<typeof bindCallValues>) {
  return {
    args: bound.args.map((any) => decodeValue(any)),
    kwargs: Object.fromEntries(Object.entries(bound.kwargs).map(([key, any]) => [key, decodeValue(any)])),
  };
}

describe("binding proxy call values", () => {
  it("passes plain values positionally", () => {
    expect(decoded(bindCallValues(spec, ["q", 5]))).toEqual({ args: ["q", 5], kwargs: {} });
  });

  it("takes a single object whose keys are argument names as keyword arguments", () => {
    expect(decoded(bindCallValues(spec, [{ query: "q", limit: 5 }]))).toEqual({
      args: [],
      kwargs: { query: "q", limit: 5 },
    });
  });

  it("passes a single object with other keys positionally", () => {
    expect(decoded(bindCallValues(spec, [{ query: "q", page: 2 }]))).toEqual({
      args: [{ query: "q", page: 2 }],
      kwargs: {},
    });
  });

  it("passes a single object positionally when the spec is unknown", () => {
    expect(decoded(bindCallValues(undefined, [{ query: "q" }]))).toEqual({ args: [{ query: "q" }], kwargs: {} });
  });

  it("never treats arrays, Maps or Dates as keyword arguments", () => {
    const date = new Date(0);
    expect(decoded(bindCallValues(spec, [date])).args).toEqual([date]);
    expect(decoded(bindCallValues(spec, [["query"]])).args).toEqual([["query"]]);
  });

  it("mixes positional values and a trailing kwargs()", () => {
    expect(decoded(bindCallValues(spec, ["q", kwargs({ limit: 3 })]))).toEqual({ args: ["q"], kwargs: { limit: 3 } });
  });
});

describe("binding call(args)", () => {
  it("reads an array as positional and an object as keyword arguments", () => {
    expect(decoded(bindCallArguments(["q"]))).toEqual({ args: ["q"], kwargs: {} });
    expect(decoded(bindCallArguments({ query: "q" }))).toEqual({ args: [], kwargs: { query: "q" } });
    expect(decoded(bindCallArguments([{ query: "q" }]))).toEqual({ args: [{ query: "q" }], kwargs: {} });
  });

  it("rejects anything else with an EncodeError", () => {
    expect(() => bindCallArguments("q")).toThrow(EncodeError);
  });

  it("names the argument a value cannot be encoded for", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => bindCallArguments({ query: cyclic })).toThrow(/argument query/);
  });
});
