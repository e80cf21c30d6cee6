import { create } from "@bufbuild/protobuf";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  decodeValue,
  ExecuteToolResponseSchema,
  ExecutionMetricsSchema,
  encodeValue,
} from "@toolbridge/protocol";
import { it } from "vitest";
import { z } from "zod";
import { testClient } from "./testing/client.js";
import { startHost } from "./testing/hosts.js";
import { defineTool } from "./tool/define-tool.js";

async function measure(client: ReturnType<typeof testClient>, n: number) {
  const req = { sessionId: "s", toolId: "add", args: [encodeValue(5), encodeValue(3)] };
  for (let i = 0; i < 500; i++) await client.unary("executeTool", req);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await client.unary("executeTool", req);
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(n / 2)]! * 1000, p99: samples[Math.floor(n * 0.99)]! * 1000 };
}

it("bench", async () => {
  const server = new Server();
  server.addService(bridgeServiceDefinition, {
    ExecuteTool: (call: any, cb: any) => {
      const a = decodeValue(call.request.args[0]) as number;
      const b = decodeValue(call.request.args[1]) as number;
      cb(
        null,
        create(ExecuteToolResponseSchema, {
          success: true,
          result: encodeValue(a + b),
          requestId: call.request.requestId,
          metrics: create(ExecutionMetricsSchema, { durationMs: 0.01 }),
        }),
      );
    },
  });
  const port = await new Promise<number>((r) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (_e, p) => r(p)),
  );
  const raw = testClient(`127.0.0.1:${port}`);
  const t = await startHost({
    tools: [
      defineTool({
        name: "add",
        input: z.object({ a: z.number(), b: z.number() }),
        handler: async ({ a, b }) => a + b,
      }),
    ],
  });
  await t.client.unary("initializeSession", { sessionId: "s" });
  for (let round = 0; round < 3; round++) {
    const r = await measure(raw, 3000);
    const h = await measure(t.client, 3000);
    console.log(
      `raw p50 ${r.p50.toFixed(0)}us p99 ${r.p99.toFixed(0)}us | host p50 ${h.p50.toFixed(0)}us p99 ${h.p99.toFixed(0)}us | ratio ${(h.p50 / r.p50).toFixed(3)}`,
    );
  }
  raw.close();
  server.forceShutdown();
  await t.stop();
}, 120_000);
