// Baseline client adapter: raw grpc-js calls with protobuf-es messages, building
// the same request bytes a toolbridge client sends (a toolbridge.v1.Value packed in
// an Any per argument), and unpacking the results the same way. No toolbridge code.
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  ExecuteToolRequestSchema,
  StreamToolRequestSchema,
  ValueSchema,
} from "@toolbridge/protocol";
import { baselineChannelOptions } from "../lib/grpc-options.mjs";
import { TOOL } from "../lib/workload.mjs";

const executeTool = bridgeServiceDefinition.ExecuteTool;
const streamTool = bridgeServiceDefinition.StreamTool;

const stringValue = (value) => anyPack(ValueSchema, create(ValueSchema, { kind: { case: "stringValue", value } }));
const intValue = (value) =>
  anyPack(ValueSchema, create(ValueSchema, { kind: { case: "intValue", value: BigInt(value) } }));

export async function connectBaseline(address) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), baselineChannelOptions);
  await new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + 5000, (error) => (error ? reject(error) : resolve())),
  );
  let nextRequest = 0;

  const unary = (toolId, args) =>
    new Promise((resolve, reject) => {
      const request = create(ExecuteToolRequestSchema, {
        sessionId: "baseline",
        toolId,
        args,
        requestId: `r${nextRequest++}`,
      });
      client.makeUnaryRequest(
        executeTool.path,
        executeTool.requestSerialize,
        executeTool.responseDeserialize,
        request,
        (error, response) => {
          if (error) return reject(error);
          const value = anyUnpack(response.result, ValueSchema);
          resolve(value?.kind.value);
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
          sessionId: "baseline",
          toolId: TOOL.stream,
          args: [intValue(count), intValue(chunkBytes)],
          streamId: "s",
        });
        const call = client.makeServerStreamRequest(
          streamTool.path,
          streamTool.requestSerialize,
          streamTool.responseDeserialize,
          request,
        );
        let bytes = 0;
        call.on("data", (message) => {
          const value = message.content.case === "data" ? anyUnpack(message.content.value, ValueSchema) : undefined;
          if (value?.kind.case === "bytesValue") bytes += value.kind.value.byteLength;
        });
        call.on("error", reject);
        call.on("end", () => resolve(bytes));
      }),
    close: () => client.close(),
  };
}
