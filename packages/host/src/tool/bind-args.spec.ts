// A "__proto__" keyword argument sent by any client (Python can send one) must be refused, not read.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type ExecuteToolRequest,
  ExecuteToolRequestSchema,
  encodeValue,
  hasPlainPrototype,
  setOwn,
} from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bindArguments } from "./bind-args.js";

describe("bindArguments", () => {
  it('refuses a "__proto__" keyword argument as it arrives (the decoded map\'s prototype) and reads no field of it', () => {
    const kwargs = {};
    setOwn(kwargs, "__proto__", encodeValue({ typeUrl: "sneaky" }));
    setOwn(kwargs, "a", encodeValue(1));
    const sent = { ...create(ExecuteToolRequestSchema), toolId: "t", kwargs } as ExecuteToolRequest;
    const received = fromBinary(ExecuteToolRequestSchema, toBinary(ExecuteToolRequestSchema, sent));
    // protobuf-es assigns map entries, so the entry became the prototype.
    expect(hasPlainPrototype(received.kwargs)).toBe(false);

    const input = z.object({ a: z.number(), typeUrl: z.string().optional() });
    let failure: unknown;
    try {
      bindArguments("t", ["a"], input, { args: [], kwargs: received.kwargs, context: {} } as never);
    } catch (error) {
      failure = error;
    }
    const said = `${(failure as Error).message} ${JSON.stringify((failure as { violations?: unknown }).violations ?? "")}`;
    expect(said).toContain("__proto__");
    expect(said).not.toContain("typeUrl");
  });

  it("binds ordinary keyword arguments", () => {
    const input = z.object({ a: z.number() });
    const kwargs = { a: encodeValue(1) };
    expect(bindArguments("t", ["a"], input, { args: [], kwargs, context: {} } as never)).toEqual({ a: 1 });
  });
});
