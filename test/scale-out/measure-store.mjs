// Execute p50 with the Redis store vs the memory store (issue 13: goal <= 1.3x).
// Uses the built dist: run `npx tsc -b packages/host` first, then
//   node test/scale-out/measure-store.mjs [calls=3000]
// Two hosts in this process (one per store), one grpc-js client each, sequential
// ExecuteTool calls with a fresh request_id each (as the SDK sends), measured in
// alternating blocks so drift on a shared machine hits both stores alike.
import { spawn } from "node:child_process";
import { createServer, Socket } from "node:net";
import { create } from "@bufbuild/protobuf";
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { z } from "zod";
import { createHost, defineTool } from "../../packages/host/dist/index.js";
import { bridgeServiceDefinition, ExecuteToolRequestSchema, encodeValue } from "../../packages/protocol/dist/index.js";

const CALLS = Number(process.argv[2] ?? 3000);
const BLOCK = 250;
const WARMUP = 300;

const echo = defineTool({ name: "echo", input: z.object({ text: z.string() }), handler: async ({ text }) => text });
const port = await freePort();
const redis = spawn(
  "/usr/bin/redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  {
    stdio: "ignore",
  },
);
try {
  await waitForPing(port);
  const memory = await createHost({ port: 0, tools: [echo], logLevel: "silent" });
  const shared = await createHost({ port: 0, tools: [echo], logLevel: "silent", store: `redis://127.0.0.1:${port}/0` });
  const targets = { memory: await target(memory, "m"), redis: await target(shared, "r") };
  for (const t of Object.values(targets)) for (let i = 0; i < WARMUP; i++) await t.call(true);
  const results = {};
  for (const withRequestId of [true, false]) {
    const samples = { memory: [], redis: [] };
    for (let done = 0; done < CALLS; done += BLOCK) {
      for (const [name, t] of Object.entries(targets)) {
        for (let i = 0; i < BLOCK; i++) {
          const start = performance.now();
          await t.call(withRequestId);
          samples[name].push(performance.now() - start);
        }
      }
    }
    const m = stats(samples.memory);
    const r = stats(samples.redis);
    results[withRequestId ? "with request_id" : "without request_id"] = {
      memory_p50_us: m.p50,
      redis_p50_us: r.p50,
      memory_p99_us: m.p99,
      redis_p99_us: r.p99,
      ratio_p50: Number((r.p50 / m.p50).toFixed(2)),
    };
  }
  console.log(JSON.stringify({ calls: CALLS, results }, null, 2));
  for (const t of Object.values(targets)) t.close();
  await Promise.all([memory.close({ graceMs: 100 }), shared.close({ graceMs: 100 })]);
} finally {
  redis.kill("SIGKILL");
}

async function target(host, tag) {
  const Client = makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");
  const client = new Client(host.address, credentials.createInsecure());
  const unary = (method, request) =>
    new Promise((resolve, reject) =>
      client[method](request, (error, response) => (error ? reject(error) : resolve(response))),
    );
  const sessionId = `bench-${tag}`;
  await host.core.initializeSession(
    { sessionId, metadata: {} },
    { signal: new AbortController().signal, deadlineMs: Infinity },
  );
  const kwargs = { text: encodeValue("hello") };
  let n = 0;
  return {
    async call(withRequestId) {
      const request = create(ExecuteToolRequestSchema, {
        sessionId,
        toolId: "echo",
        kwargs,
        requestId: withRequestId ? `${tag}-${n++}` : "",
      });
      const response = await unary("ExecuteTool", request);
      if (!response.success) throw new Error(response.error?.message);
    },
    close: () => client.close(),
  };
}

function stats(samples) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 1000);
  return { p50: at(0.5), p99: at(0.99) };
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPing(p) {
  for (let i = 0; i < 250; i++) {
    const ok = await new Promise((resolve) => {
      const socket = new Socket();
      socket.once("error", () => resolve(false));
      socket.once("data", (d) => {
        socket.destroy();
        resolve(d.toString().startsWith("+PONG"));
      });
      socket.connect(p, "127.0.0.1", () => socket.write("PING\r\n"));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("redis-server did not start");
}
