// "__proto__" as an argument name would replace an object's prototype on the way (the argument
// vanishes, and a hand-written writer would read the prototype's fields): it is refused up front.
import { ToolBridgeError } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { bindCallArguments, bindCallValues, kwargs } from "./args.js";

const hostile = JSON.parse('{"__proto__": 1, "a": 2}') as Record<string, unknown>;

function refusal(run: () => unknown): ToolBridgeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ToolBridgeError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe('a "__proto__" keyword argument', () => {
  it("is refused with InvalidArgument naming it, as keyword arguments and after positional ones", () => {
    for (const call of [
      () => bindCallArguments(hostile),
      () => bindCallArguments(kwargs(hostile)),
      () => bindCallValues(undefined, ["x", kwargs(hostile)]),
    ]) {
      const error = refusal(call);
      expect(error.code).toBe("InvalidArgument");
      expect(error.message).toContain('"__proto__"');
    }
  });
  it("leaves other names alone", () => {
    expect(Object.keys(bindCallArguments({ a: 1, proto: 2 }).kwargs)).toEqual(["a", "proto"]);
  });
});
