// Baseline client adapter: raw grpc-js calls with protobuf-es messages, building
// the same request bytes a toolbridge client sends (each argument a well-known
// wrapper packed in an Any, a UUID request id) and unpacking results the same
// way. No toolbridge code.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, BytesValueSchema, Int64ValueSchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { baselineChannelOptions } from "../lib/grpc-options.mjs";
import { baselineServiceDefinition, ExecuteToolRequestSchema, StreamToolRequestSchema } from "../lib/protocol-lite.mjs";
import { TOOL } from "../lib/workload.mjs";

const executeTool = baselineServiceDefinition.ExecuteTool;
const streamTool = baselineServiceDefinition.StreamTool;

const stringValue = (value) => anyPack(StringValueSchema, create(StringValueSchema, { value }));
const intValue = (value) => anyPack(Int64ValueSchema, create(Int64ValueSchema, { value: BigInt(value) }));

export async function connectBaseline(address) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), baselineChannelOptions);
  await new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + 5000, (error) => (error ? reject(error) : resolve())),
  );
  const sessionId = `bench-${process.pid}-${Date.now()}`;

  const unary = (toolId, args) =>
    new Promise((resolve, reject) => {
      const request = create(ExecuteToolRequestSchema, {
        sessionId,
        toolId,
        args,
        requestId: randomUUID(),
      });
      client.makeUnaryRequest(
        executeTool.path,
        executeTool.requestSerialize,
        executeTool.responseDeserialize,
        request,
        (error, response) => {
          if (error) return reject(error);
          resolve(anyUnpack(response.result, StringValueSchema)?.value);
        },
      );
    });

  return {
    echo: (text) => unary(TOOL.echo, [stringValue(text)]),
    sleep: () => unary(TOOL.sleep, [stringValue("10ms")]),
    /** Reads `count` chunks of `chunkBytes`; returns the bytes received. */
    stream: (count, chunkBytes) =>
      new Promise((resolve, reject) => {
        const request = create(StreamToolRequestSchema, {
          sessionId,
          toolId: TOOL.stream,
          args: [intValue(count), intValue(chunkBytes)],
          requestId: randomUUID(),
        });
        const call = client.makeServerStreamRequest(
          streamTool.path,
          streamTool.requestSerialize,
          streamTool.responseDeserialize,
          request,
        );
        let bytes = 0;
        call.on("data", (message) => {
          const chunk =
            message.content.case === "data" ? anyUnpack(message.content.value, BytesValueSchema) : undefined;
          if (chunk) bytes += chunk.value.byteLength;
        });
        call.on("error", reject);
        call.on("end", () => resolve(bytes));
      }),
    close: () => client.close(),
  };
}
