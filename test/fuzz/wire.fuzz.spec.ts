import { createHost, type Host } from "@toolbridge/host";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingTools, ToolCounter } from "../reliability/counting-tools.js";
import {
  invalidUtf8Cases,
  mutatedFrames,
  randomFrames,
  timeoutCases,
  unknownEnumCases,
  type WireCase,
  wrongAnyCases,
} from "./frames.js";
import { unclear } from "./outcome.js";
import { bytesField } from "./proto-bytes.js";
import { RawWireClient, type WireOutcome } from "./raw-wire.js";

// fast-check over the wire: raw frames from a grpc-js client with a passthrough
// serializer to a real host. Every case must get a clear answer, the host must
// answer a health check after every case, and its memory must stay bounded.
// FUZZ_RUNS scales the run count (default 5,000 cases; `npm run fuzz:long`: 100,000).

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const SESSION = "fuzz-session";

let host: Host;
let wire: RawWireClient;
let casesRun = 0;
let connectionsClosedByHost = 0;
const SESSION_CLOSED = /Session closed with error code 2/;
const kinds = new Map<string, number>();
const rssStart = process.memoryUsage().rss;

beforeAll(async () => {
  host = await createHost({
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    tools: countingTools(new ToolCounter()),
    // Small enough that oversized frames are cheap to send; the limit logic is the same.
    maxMessageBytes: 1024 * 1024,
  });
  wire = new RawWireClient(host.address);
  expect(await wire.unary("InitializeSession", bytesField(1, SESSION))).toMatchObject({ ok: true });
});

afterAll(async () => {
  wire.close();
  await host.close({ graceMs: 100 });
  console.log(
    `fuzz cases run: ${casesRun} ${JSON.stringify(Object.fromEntries(kinds))}; connections closed by the host's reset-flood protection: ${connectionsClosedByHost}`,
  );
});

async function send(c: WireCase, deadlineMs?: number): Promise<WireOutcome> {
  casesRun++;
  kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  return c.stream
    ? wire.serverStream(c.method, c.frame, deadlineMs ?? 300, 20)
    : wire.unary(c.method, c.frame, deadlineMs ?? 5000);
}

async function expectHealthy(): Promise<void> {
  let health = await wire.unary("HealthCheck", new Uint8Array(), 2000);
  if (!health.ok && SESSION_CLOSED.test(health.details)) {
    // Node's HTTP/2 rapid-reset protection (nghttp2's stream reset rate limit) ends a connection
    // that cancels streams faster than ~1,000 in a burst, which the 1 ms and past deadlines do.
    // grpc-js reports the next call on it as INTERNAL; the channel then reconnects.
    connectionsClosedByHost++;
    health = await wire.unary("HealthCheck", new Uint8Array(), 2000);
  }
  if (!health.ok) throw new Error(`host health check failed: ${health.code} ${health.details}`);
}

/** One property: every generated case gets a clear answer and the host stays healthy. */
function property(arbitrary: fc.Arbitrary<WireCase & { deadlineMs?: number }>, share: number) {
  return fc.assert(
    fc.asyncProperty(arbitrary, async (c) => {
      const outcome = await send(c, c.deadlineMs);
      // Open streams (a watch, a paced tool) legitimately run until the caller's deadline.
      const problem = unclear(outcome, { deadlineOk: c.stream || c.deadlineMs !== undefined });
      if (problem) throw new Error(`${c.kind} on ${c.method}: ${problem}`);
      await expectHealthy();
    }),
    { numRuns: Math.max(1, Math.round(TOTAL_RUNS * share)), timeout: 10_000 },
  );
}

describe("hostile frames over the wire", { timeout: Math.max(120_000, TOTAL_RUNS * 50) }, () => {
  it("random frames on every method", () => property(randomFrames, 0.3));
  it("mutated valid frames", () => property(mutatedFrames(SESSION), 0.3));
  it("wrong types inside Any", () => property(wrongAnyCases(SESSION), 0.14));
  it("invalid UTF-8 in ids, names, keys and string values", () => property(invalidUtf8Cases(SESSION), 0.1));
  it("unknown enum values", () => property(unknownEnumCases(SESSION), 0.08));
  it("negative and absurd timeouts and deadlines", () => property(timeoutCases(SESSION), 0.08));

  it("memory stays bounded", async () => {
    await expectHealthy();
    const grownMb = (process.memoryUsage().rss - rssStart) / 1024 / 1024;
    expect(grownMb).toBeLessThan(512);
  });
});
