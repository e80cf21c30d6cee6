// The baseline: a minimal grpc-js server for toolbridge.v1.BridgeService with
// protobuf-es serializers and no toolbridge code (no codec, no sessions, no
// registry). ExecuteTool echoes the first argument's Any into `result` (or waits
// 10 ms first for tool "sleep"); StreamTool writes N chunks of the requested size.
// Forked by the bench (IPC commands) or run standalone to time start-up.
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, BytesValueSchema, Int64ValueSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { baselineServerOptions } from "../lib/grpc-options.mjs";
import { cpuMicros, memoryAfterGc, serveCommands } from "../lib/proc.mjs";
import {
  baselineServiceDefinition,
  ExecuteToolResponseSchema,
  StreamToolResponseSchema,
} from "../lib/protocol-lite.mjs";
import { SLEEP_MS, TOOL } from "../lib/workload.mjs";

function executeTool(call, callback) {
  const request = call.request;
  const respond = () =>
    callback(
      null,
      create(ExecuteToolResponseSchema, { success: true, result: request.args[0], requestId: request.requestId }),
    );
  if (request.toolId === TOOL.sleep) sleep(SLEEP_MS).then(respond);
  else respond();
}

/** args: [int count, int chunkBytes]. Honors write backpressure like any real stream. */
async function streamTool(call) {
  const [countArg, bytesArg] = call.request.args;
  const count = Number(intArg(countArg));
  const chunk = create(BytesValueSchema, { value: new Uint8Array(Number(intArg(bytesArg))) });
  for (let sequence = 0; sequence < count; sequence++) {
    const message = create(StreamToolResponseSchema, {
      streamId: call.request.streamId,
      sequence: BigInt(sequence),
      content: { case: "data", value: anyPack(BytesValueSchema, chunk) },
    });
    if (!call.write(message)) await new Promise((resolve) => call.once("drain", resolve));
  }
  call.end();
}

function intArg(any) {
  const wrapper = any && anyUnpack(any, Int64ValueSchema);
  if (!wrapper) throw new Error("baseline StreamTool expects Int64Value arguments");
  return wrapper.value;
}

export async function startBaselineServer(port = 0) {
  const server = new grpc.Server(baselineServerOptions);
  server.addService(baselineServiceDefinition, {
    ExecuteTool: executeTool,
    StreamTool: (call) => streamTool(call).catch((error) => call.destroy(error)),
  });
  const boundPort = await new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${boundPort}`, stop: () => new Promise((resolve) => server.tryShutdown(resolve)) };
}

const forked = typeof process.send === "function";
if (forked) {
  let server;
  serveCommands(
    {
      start: async () => {
        server = await startBaselineServer();
        return { address: server.address };
      },
      // ArrayBuffers too: what a server keeps in buffers is retained as much as its heap.
      memory: () => ({ ...memoryAfterGc(), arrayBuffersBytes: process.memoryUsage().arrayBuffers }),
      cpu: () => cpuMicros(),
    },
    () => server?.stop(),
  );
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startBaselineServer(Number(process.argv[2] ?? 0));
  console.log(`baseline listening on ${server.address}`);
  process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
}
