// gRPC vs the HTTP gateway for the same tool call, in one run against one host:
// a closed loop of N concurrent callers per transport (raw grpc-js with the
// protocol's service definition; node:http with a keep-alive agent), rounds
// alternating so machine noise hits both. Prints p50/p95/p99, calls/s and the
// gateway/gRPC p50 ratio (goal: at most 1.5).
//
//   node load/compare.mjs [--concurrency 16] [--seconds 5] [--rounds 3] [--warmup 2]
//
// Needs the built packages (npm run build). The host runs in its own process.
import http from "node:http";
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  decodeValue,
  ExecuteToolRequestSchema,
  encodeValue,
  InitializeSessionRequestSchema,
} from "@toolbridge/protocol";
import { startDemoHost } from "./start-host.mjs";

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: "string", default: "16" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
  },
});
const concurrency = Number(flags.concurrency);
const seconds = Number(flags.seconds);
const rounds = Number(flags.rounds);
const warmup = Number(flags.warmup);

// The same call both ways: calculate {expression: "6 * 7"} -> 42.
const TOOL = "calculate";
const EXPRESSION = "6 * 7";
const EXPECTED = 42;

function grpcTransport(address, sessionId) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const unary = (name, request) =>
    new Promise((resolve, reject) => {
      const method = bridgeServiceDefinition[name];
      client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, (e, r) =>
        e ? reject(e) : resolve(r),
      );
    });
  const kwargs = { expression: encodeValue(EXPRESSION) };
  return {
    name: "gRPC",
    init: () => unary("InitializeSession", create(InitializeSessionRequestSchema, { sessionId })),
    async call() {
      const response = await unary(
        "ExecuteTool",
        create(ExecuteToolRequestSchema, { sessionId, toolId: TOOL, kwargs }),
      );
      if (!response.success || decodeValue(response.result) !== EXPECTED) throw new Error("wrong gRPC result");
    },
    close: () => client.close(),
  };
}

function httpTransport(url, sessionId) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = http.request(
        `${url}${path}`,
        {
          method,
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          const parts = [];
          res.on("data", (part) => parts.push(part));
          res.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            if (res.statusCode >= 300) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
            else resolve(JSON.parse(text));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  const path = `/api/sessions/${sessionId}/tools/${TOOL}/execute`;
  return {
    name: "HTTP gateway",
    init: () => request("POST", "/api/sessions", { session_id: sessionId }),
    async call() {
      const body = await request("POST", path, { kwargs: { expression: EXPRESSION } });
      if (body.result !== EXPECTED) throw new Error("wrong HTTP result");
    },
    close: () => agent.destroy(),
  };
}

/** Runs `concurrency` back-to-back callers for `ms`; returns latencies (ms) and errors. */
async function closedLoop(transport, ms) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const end = performance.now() + ms;
  const caller = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await transport.call();
        latencies.push(performance.now() - start);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latencies, errors, firstError, elapsed: (performance.now() - started) / 1000 };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(run) {
  const sorted = Float64Array.from(run.latencies).sort();
  return {
    calls: sorted.length,
    rate: sorted.length / run.elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors: run.errors,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const host = await startDemoHost();
const transports = [
  grpcTransport(host.grpc, `cmp-grpc-${process.pid}`),
  httpTransport(host.http, `cmp-http-${process.pid}`),
];
try {
  for (const t of transports) {
    await t.init();
    await closedLoop(t, warmup * 1000);
  }
  const results = new Map(transports.map((t) => [t.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const t of transports) {
      const run = await closedLoop(t, seconds * 1000);
      if (run.firstError) console.error(`${t.name}: ${run.errors} errors, first: ${run.firstError.message}`);
      results.get(t.name).push(summarize(run));
    }
  }
  const f = (n) => n.toFixed(3).padStart(9);
  console.log(
    `${TOOL} {expression: "${EXPRESSION}"}, ${concurrency} in flight, ${rounds} rounds x ${seconds}s per transport`,
  );
  console.log(
    `${"transport".padEnd(14)}${"calls".padStart(9)}${"calls/s".padStart(9)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}`,
  );
  const p50 = {};
  for (const [name, runs] of results) {
    const row = {
      calls: runs.reduce((s, r) => s + r.calls, 0),
      rate: median(runs.map((r) => r.rate)),
      p50: median(runs.map((r) => r.p50)),
      p95: median(runs.map((r) => r.p95)),
      p99: median(runs.map((r) => r.p99)),
      errors: runs.reduce((s, r) => s + r.errors, 0),
    };
    p50[name] = row.p50;
    console.log(
      `${name.padEnd(14)}${String(row.calls).padStart(9)}${row.rate.toFixed(0).padStart(9)}${f(row.p50)}${f(row.p95)}${f(row.p99)}${String(row.errors).padStart(8)}`,
    );
  }
  const ratio = p50["HTTP gateway"] / p50.gRPC;
  const perRound = results.get("HTTP gateway").map((r, i) => (r.p50 / results.get("gRPC")[i].p50).toFixed(2));
  console.log(
    `gateway/gRPC execute p50 ratio: ${ratio.toFixed(2)}x (rounds: ${perRound.join(", ")}); goal <= 1.5x: ${ratio <= 1.5 ? "met" : "NOT met"}`,
  );
  if ([...results.values()].flat().some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  for (const t of transports) t.close();
  await host.stop();
}
