import { create, toBinary } from "@bufbuild/protobuf";
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from "@grpc/grpc-js";
import {
  ExecuteToolResponseSchema,
  encodeValue,
  InitializeSessionResponseSchema,
  ProtocolError,
  type StreamToolResponse,
  StreamToolResponseSchema,
  ToolSpecSchema,
  ToolType,
} from "@toolbridge/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ToolBridge } from "./index.js";
import { type ScriptedServer, startScriptedServer } from "./test-support/scripted-server.js";

// Counterpart of test_failure_modes.py::test_malformed_protobuf and the stream
// rules: a deliberately broken server sends what a correct host never would.

const spec = create(ToolSpecSchema, { toolId: "any_tool", name: "any_tool", type: ToolType.STANDARD });
const initialize = (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
  callback(null, create(InitializeSessionResponseSchema, { success: true, toolCount: 1, tools: [spec] }));

let server: ScriptedServer | undefined;
let bridge: ToolBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  await server?.close();
});

async function connect(handlers: Record<string, unknown>, raw: string[] = []) {
  server = await startScriptedServer({ InitializeSession: initialize, ...handlers } as never, { rawResponses: raw });
  bridge = new ToolBridge(server.address, { retry: false });
  await bridge.initialize("broken");
  return bridge;
}

function replyWith(bytes: Uint8Array) {
  return (_call: unknown, callback: sendUnaryData<Buffer>) => callback(null, Buffer.from(bytes));
}

function streamOf(chunks: Partial<StreamToolResponse>[]) {
  return (call: ServerWritableStream<unknown, unknown>) => {
    for (const chunk of chunks) call.write(create(StreamToolResponseSchema, chunk as never));
    call.end();
  };
}

const data = (sequence: number, value: unknown): Partial<StreamToolResponse> => ({
  streamId: "s",
  sequence: BigInt(sequence),
  content: { case: "data", value: encodeValue(value) },
});
const complete = (sequence: number, totalChunks: number): Partial<StreamToolResponse> => ({
  streamId: "s",
  sequence: BigInt(sequence),
  content: { case: "complete", value: { totalChunks: BigInt(totalChunks) } as never },
});

async function collect(stream: AsyncIterable<unknown>): Promise<{ chunks: unknown[]; error: unknown }> {
  const chunks: unknown[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

describe("malformed responses", () => {
  it("bytes that are not an ExecuteToolResponse raise ProtocolError", async () => {
    const b = await connect({ ExecuteTool: replyWith(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0x0f)) }, ["ExecuteTool"]);
    await expect(b.executeTool("any_tool", "input")).rejects.toBeInstanceOf(ProtocolError);
  });

  it("success without a result (a missing field) raises ProtocolError naming it", async () => {
    const bytes = toBinary(ExecuteToolResponseSchema, create(ExecuteToolResponseSchema, { success: true }));
    const b = await connect({ ExecuteTool: replyWith(bytes) }, ["ExecuteTool"]);
    const error = await b.executeTool("any_tool", "input").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).details.field).toBe("result");
  });

  it("failure without an ErrorInfo raises ProtocolError", async () => {
    const bytes = toBinary(ExecuteToolResponseSchema, create(ExecuteToolResponseSchema, { success: false }));
    const b = await connect({ ExecuteTool: replyWith(bytes) }, ["ExecuteTool"]);
    await expect(b.executeTool("any_tool")).rejects.toBeInstanceOf(ProtocolError);
  });

  it("an undecodable Any raises ProtocolError", async () => {
    const response = create(ExecuteToolResponseSchema, {
      success: true,
      result: { typeUrl: "type.googleapis.com/nobody.Knows", value: Uint8Array.of(1, 2, 3) },
    });
    const b = await connect({ ExecuteTool: replyWith(toBinary(ExecuteToolResponseSchema, response)) }, ["ExecuteTool"]);
    const error = await b.executeTool("any_tool").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(String(error)).toContain("nobody.Knows");
  });
});

describe("stream rules", () => {
  it("yields chunks in order until complete", async () => {
    const b = await connect({ StreamTool: streamOf([data(0, "chunk_1"), data(1, "chunk_2"), complete(2, 2)]) });
    expect(await collect(b.tool("any_tool").stream())).toEqual({ chunks: ["chunk_1", "chunk_2"], error: undefined });
  });

  it("an out-of-order chunk raises ProtocolError after the chunks before it", async () => {
    const b = await connect({ StreamTool: streamOf([data(0, "a"), data(2, "c"), complete(3, 2)]) });
    const { chunks, error } = await collect(b.tool("any_tool").stream());
    expect(chunks).toEqual(["a"]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(String(error)).toContain("out-of-order");
  });

  it("a duplicate chunk raises ProtocolError", async () => {
    const b = await connect({ StreamTool: streamOf([data(0, "a"), data(0, "a"), complete(1, 1)]) });
    const { chunks, error } = await collect(b.tool("any_tool").stream());
    expect(chunks).toEqual(["a"]);
    expect(String(error)).toContain("duplicate");
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it("a stream that ends without complete or error is not a silent end", async () => {
    const b = await connect({ StreamTool: streamOf([data(0, "a"), data(1, "b")]) });
    const { chunks, error } = await collect(b.tool("any_tool").stream());
    expect(chunks).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(String(error)).toContain("without a complete or error chunk");
  });

  it("a complete chunk that miscounts the data raises ProtocolError", async () => {
    const b = await connect({ StreamTool: streamOf([data(0, "a"), complete(1, 5)]) });
    const { error } = await collect(b.tool("any_tool").stream());
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it("chunks of another stream id raise ProtocolError", async () => {
    const other = { ...data(1, "b"), streamId: "t" };
    const b = await connect({ StreamTool: streamOf([data(0, "a"), other, complete(2, 2)]) });
    const { error } = await collect(b.tool("any_tool").stream());
    expect(error).toBeInstanceOf(ProtocolError);
  });
});
