// The measuring client process. It holds one adapter per side ("baseline" or
// "toolbridge") with the same methods, and runs every measurement through the same
// loops in ../lib/measure.mjs, so both sides are timed by identical code.
import { sequentialLatency, throughput, timeMs } from "../lib/measure.mjs";
import { cpuMicros, memoryAfterGc, serveCommands } from "../lib/proc.mjs";
import { SMALL_PAYLOAD } from "../lib/workload.mjs";
import { connectBaseline } from "./baseline-client.mjs";

const adapters = new Map();
const adapter = (side) => {
  const found = adapters.get(side);
  if (!found) throw new Error(`side ${side} is not open`);
  return found;
};
/** Untimed 9 MB round trips per side before the timed ones. */
const LARGE_WARMUP = 3;
const largePayloads = new Map();
const largePayload = (bytes) => {
  if (!largePayloads.has(bytes)) largePayloads.set(bytes, "x".repeat(bytes));
  return largePayloads.get(bytes);
};

async function connect(side, address) {
  if (side === "baseline") return connectBaseline(address);
  // Imported lazily: the toolbridge client may not be built yet while the
  // baseline is already measurable.
  const { connectToolbridge } = await import("./toolbridge-client.mjs");
  return connectToolbridge(address);
}

const expectEcho = (sent, received) => {
  if (received !== sent) throw new Error(`echo returned ${String(received).slice(0, 40)}… instead of the payload`);
};

serveCommands(
  {
    open: async ({ side, address }) => {
      adapters.set(side, await connect(side, address));
    },
    echoLatency: async ({ side, count, warmup }) => {
      const echo = adapter(side).echo;
      expectEcho(SMALL_PAYLOAD, await echo(SMALL_PAYLOAD));
      return sequentialLatency(() => echo(SMALL_PAYLOAD), { count, warmup });
    },
    throughput: async ({ side, op, inFlight, total, warmup }) => {
      const a = adapter(side);
      const call = op === "sleep" ? () => a.sleep() : () => a.echo(SMALL_PAYLOAD);
      return throughput(call, { inFlight, total, warmup });
    },
    /** Median of `reps` round trips of a `bytes`-long string argument, in ms. */
    largeEcho: async ({ side, bytes, reps }) => {
      const echo = adapter(side).echo;
      const payload = largePayload(bytes);
      // A few untimed round trips first: the first 9 MB messages grow both heaps and warm the JIT.
      for (let i = 0; i < LARGE_WARMUP; i++) expectEcho(payload, await echo(payload));
      const times = [];
      for (let i = 0; i < reps; i++) {
        const { ms, value } = await timeMs(() => echo(payload));
        expectEcho(payload, value);
        times.push(ms);
      }
      return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] };
    },
    stream: async ({ side, count, chunkBytes }) => {
      const { ms, value: bytes } = await timeMs(() => adapter(side).stream(count, chunkBytes));
      if (bytes !== count * chunkBytes)
        throw new Error(`stream delivered ${bytes} bytes, expected ${count * chunkBytes}`);
      return { ms, megabytesPerSecond: bytes / (1024 * 1024) / (ms / 1000) };
    },
    /** `size` sequential echo calls vs one batch of `size`: mean ms of each over `reps`. */
    batchVsSequential: async ({ side, size, reps }) => {
      const a = adapter(side);
      const sequential = async () => {
        for (let i = 0; i < size; i++) await a.echo(SMALL_PAYLOAD);
      };
      const batch = a.batchEcho ? () => a.batchEcho(Array.from({ length: size }, () => SMALL_PAYLOAD)) : undefined;
      await sequential();
      await batch?.();
      let sequentialMs = 0;
      let batchMs = 0;
      for (let i = 0; i < reps; i++) {
        sequentialMs += (await timeMs(sequential)).ms;
        if (batch) batchMs += (await timeMs(batch)).ms;
      }
      return { sequentialMs: sequentialMs / reps, batchMs: batch ? batchMs / reps : undefined };
    },
    /** Unmeasured sequential echo calls (the memory scenario reads memory around them). */
    calls: async ({ side, count }) => {
      const echo = adapter(side).echo;
      for (let i = 0; i < count; i++) await echo(`${SMALL_PAYLOAD}_${i}`);
    },
    openSessions: async ({ address, count, inFlight }) => {
      const { openSessions } = await import("./sessions.mjs");
      return openSessions(address, count, inFlight);
    },
    memory: () => memoryAfterGc(),
    cpu: () => cpuMicros(),
    close: async ({ side }) => {
      await adapter(side).close();
      adapters.delete(side);
    },
  },
  async () => {
    for (const a of adapters.values()) await a.close();
  },
);
