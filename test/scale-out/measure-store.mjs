// Execute p50 with the Redis store vs the memory store (issue 13: goal <= 1.3x).
// Uses the built dist: run `npx tsc -b packages/host` first, then
//   node test/scale-out/measure-store.mjs [calls=3000] [--client-process] [--lease-ms=N]
// Two hosts (one per store), one grpc-js client each, sequential ExecuteTool calls
// with a fresh request_id each (as the SDK sends), then without one, measured in
// alternating blocks so drift on a shared machine hits both stores alike. Prints
// p50/p99 per store, their ratio and the load average (the ratio grows with it:
// each Redis round trip waits for redis-server to get a CPU).
// By default the client runs in the hosts' process, and the CPU time per call
// (client and host together) is printed too. With --client-process the client is a
// separate process, as in bench/ and in production: the memory store's calls then
// also wait for another process, as every call over a network does.
import { spawn } from "node:child_process";
import { createServer, Socket } from "node:net";
import { loadavg } from "node:os";
import { create } from "@bufbuild/protobuf";
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { z } from "zod";
import { createHost, defineTool } from "../../packages/host/dist/index.js";
import { bridgeServiceDefinition, ExecuteToolRequestSchema, encodeValue } from "../../packages/protocol/dist/index.js";

const BLOCK = 250;
const WARMUP = 300;

if (process.argv[2] === "--client") {
  // Child of --client-process: argv = --client calls memoryAddress redisAddress.
  const [, , , calls, memoryAddress, redisAddress] = process.argv;
  const targets = { memory: client(memoryAddress, "bench-m", "m"), redis: client(redisAddress, "bench-r", "r") };
  const results = await measure(targets, Number(calls), false);
  for (const t of Object.values(targets)) t.close();
  console.log(JSON.stringify(results));
} else {
  await main();
}

/** "--lease-ms=N" sets the Redis store's request lease (0 = off, to compare); default: the store's. */
function leaseQuery() {
  const given = process.argv.find((a) => a.startsWith("--lease-ms="));
  return given ? `?request_lease_ms=${Number(given.slice("--lease-ms=".length))}` : "";
}

async function main() {
  const calls = Number(process.argv.find((a, i) => i >= 2 && /^\d+$/.test(a)) ?? 3000);
  const separate = process.argv.includes("--client-process");
  const echo = defineTool({ name: "echo", input: z.object({ text: z.string() }), handler: async ({ text }) => text });
  const port = await freePort();
  const redis = spawn(
    "/usr/bin/redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  try {
    await waitForPing(port);
    const memory = await createHost({ port: 0, tools: [echo], logLevel: "silent" });
    const shared = await createHost({
      port: 0,
      tools: [echo],
      logLevel: "silent",
      store: `redis://127.0.0.1:${port}/0${leaseQuery()}`,
    });
    const hosts = { memory, redis: shared };
    for (const [name, host] of Object.entries(hosts)) {
      await host.core.initializeSession(
        { sessionId: `bench-${name[0]}`, metadata: {} },
        { signal: new AbortController().signal, deadlineMs: Infinity },
      );
    }
    const results = separate
      ? await inChild(calls, memory.address, shared.address)
      : await inProcess(calls, memory.address, shared.address);
    const load = loadavg().map((l) => Number(l.toFixed(1)));
    const client = separate ? "separate process" : "in the hosts' process";
    console.log(JSON.stringify({ calls, client, load_average: load, results }, null, 2));
    await Promise.all([memory.close({ graceMs: 100 }), shared.close({ graceMs: 100 })]);
  } finally {
    redis.kill("SIGKILL");
  }
}

async function inProcess(calls, memoryAddress, redisAddress) {
  const targets = { memory: client(memoryAddress, "bench-m", "m"), redis: client(redisAddress, "bench-r", "r") };
  const results = await measure(targets, calls, true);
  for (const t of Object.values(targets)) t.close();
  return results;
}

async function inChild(calls, memoryAddress, redisAddress) {
  const args = [new URL(import.meta.url).pathname, "--client", String(calls), memoryAddress, redisAddress];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`client process exited with ${code}`);
  return JSON.parse(out);
}

/** Alternating blocks per store, with and without request_id. */
async function measure(targets, calls, withCpu) {
  for (const t of Object.values(targets)) for (let i = 0; i < WARMUP; i++) await t.call(true);
  const results = {};
  for (const withRequestId of [true, false]) {
    const samples = { memory: [], redis: [] };
    const cpu = { memory: 0, redis: 0 };
    for (let done = 0; done < calls; done += BLOCK) {
      for (const [name, t] of Object.entries(targets)) {
        const cpuBefore = process.cpuUsage();
        for (let i = 0; i < BLOCK; i++) {
          const start = performance.now();
          await t.call(withRequestId);
          samples[name].push(performance.now() - start);
        }
        const used = process.cpuUsage(cpuBefore);
        cpu[name] += used.user + used.system;
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
      ...(withCpu
        ? {
            memory_cpu_us_per_call: Math.round(cpu.memory / samples.memory.length),
            redis_cpu_us_per_call: Math.round(cpu.redis / samples.redis.length),
          }
        : {}),
    };
  }
  return results;
}

function client(address, sessionId, tag) {
  const Client = makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");
  const grpcClient = new Client(address, credentials.createInsecure());
  const unary = (method, request) =>
    new Promise((resolve, reject) =>
      grpcClient[method](request, (error, response) => (error ? reject(error) : resolve(response))),
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
    close: () => grpcClient.close(),
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
