// Issue 5: 10 MB message limit in both directions.
import { status } from "@grpc/grpc-js";
import { decodeValue, encodeValue } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectGrpcFailure, type TestClient, testClient } from "../testing/client.js";
import { must } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

const MB = 1024 * 1024;

const tools = [
  defineTool({ name: "echo", input: z.object({ data: z.string() }), handler: async ({ data }) => data }),
  defineTool({ name: "blow_up", input: z.object({ mb: z.number() }), handler: async ({ mb }) => "x".repeat(mb * MB) }),
  defineTool({
    name: "blow_up_stream",
    input: z.object({ mb: z.number() }),
    async *handler({ mb }) {
      yield "small";
      yield "x".repeat(mb * MB);
    },
  }),
];

let t: Started;
let big: TestClient;
beforeAll(async () => {
  t = await startHost({ tools });
  big = testClient(t.host.address, { "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 });
  await big.unary("initializeSession", { sessionId: "s" });
});
afterAll(async () => {
  big.close();
  await t.stop();
});

describe("message limits", () => {
  it("9 MB arguments work", async () => {
    const data = "x".repeat(9 * MB);
    const response = await big.unary("executeTool", { sessionId: "s", toolId: "echo", args: [encodeValue(data)] });
    expect(response.success).toBe(true);
    expect((decodeValue(must(response.result)) as string).length).toBe(data.length);
  });

  it("11 MB arguments → RESOURCE_EXHAUSTED message too large, host stays up", async () => {
    const failure = await expectGrpcFailure(
      big.unary("executeTool", { sessionId: "s", toolId: "echo", args: [encodeValue("x".repeat(11 * MB))] }),
    );
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(failure.info?.type).toBe("MessageTooLarge");
    expect(failure.error.details.toLowerCase()).toContain("message too large");
    expect((await big.unary("healthCheck", {})).status).toBe(1);
  });

  it("an 11 MB result → RESOURCE_EXHAUSTED message too large to the caller, host stays up", async () => {
    const failure = await expectGrpcFailure(
      big.unary("executeTool", { sessionId: "s", toolId: "blow_up", args: [encodeValue(11)] }),
    );
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(failure.info?.type).toBe("MessageTooLarge");
    expect(failure.info?.message.toLowerCase()).toContain("message too large");
    const ok = await big.unary("executeTool", { sessionId: "s", toolId: "echo", args: [encodeValue("still here")] });
    expect(decodeValue(must(ok.result))).toBe("still here");
  });

  it("an oversized stream chunk ends the stream with RESOURCE_EXHAUSTED", async () => {
    const received: string[] = [];
    const stream = big.stream("streamTool", { sessionId: "s", toolId: "blow_up_stream", args: [encodeValue(11)] });
    const error = await (async () => {
      try {
        for await (const chunk of stream) received.push(chunk.content.case ?? "");
      } catch (e) {
        return e as { code: number; details: string };
      }
      return undefined;
    })();
    expect(received).toEqual(["data"]);
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.details).toContain("message too large");
  });

  it("the limit is configurable", async () => {
    const small = await startHost({ tools, maxMessageBytes: 64 * 1024 });
    try {
      await small.client.unary("initializeSession", { sessionId: "s" });
      const failure = await expectGrpcFailure(
        small.client.unary("executeTool", { sessionId: "s", toolId: "echo", args: [encodeValue("x".repeat(100_000))] }),
      );
      expect(failure.info?.type).toBe("MessageTooLarge");
    } finally {
      await small.stop();
    }
  });
});
