import { create } from "@bufbuild/protobuf";
import { ExecuteToolRequestSchema, encodeValue } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { executeToolRequest } from "./connection.js";

describe("executeToolRequest", () => {
  it("is the message create() makes, every field included (a field added to the proto fails here)", () => {
    const args = [encodeValue("benchmark_input")];
    const kwargs = { limit: encodeValue(5) };
    const made = executeToolRequest({ sessionId: "s", toolId: "echo", toolName: "echo" }, { args, kwargs }, "r-1", {
      trace: "t",
    });
    // Strict: create() fills in every scalar field, so one added to the proto and missing here fails.
    expect(made).toStrictEqual(
      create(ExecuteToolRequestSchema, {
        sessionId: "s",
        toolId: "echo",
        args,
        kwargs,
        requestId: "r-1",
        context: { trace: "t" },
      }),
    );
  });
});
