import { countOpenFds, rssBytes } from "@toolbridge/testkit";
import { type HostProcess, liveMemory, startHostProcess } from "../reliability/child/host-process.js";
import { MixedLoad, pickOperation } from "./mixed-load.js";
import { slope } from "./regression.js";

export interface SoakOptions {
  durationMs: number;
  /** How long capacity is measured (unthrottled) before the soak. */
  capacityMs?: number;
  /** Share of the measured capacity the soak runs at. */
  loadFactor?: number;
  sampleEveryMs?: number;
  /** The host's idempotency window (default: the host's, 5 min). */
  idempotencyWindowMs?: number;
  log?: (line: string) => void;
}

export interface Sample {
  readonly atMs: number;
  readonly rssMb: number;
  /** Heap still reachable after a forced full GC. */
  readonly liveHeapMb: number;
  /** Buffers and other memory outside the JS heap, after the same GC. */
  readonly externalMb: number;
  readonly fds: number;
  readonly operations: number;
}

export interface SoakReport {
  readonly capacityOpsPerSec: number;
  readonly targetOpsPerSec: number;
  readonly achievedOpsPerSec: number;
  readonly operations: number;
  readonly errors: number;
  readonly errorsByKind: Record<string, number>;
  /** MB per minute, least squares over the second half of the run (after warm-up). */
  readonly rssSlopeMbPerMin: number;
  /** Same for the live heap after GC: the leak signal (RSS also moves with GC timing). */
  readonly liveHeapSlopeMbPerMin: number;
  readonly liveHeapMb: { readonly first: number; readonly last: number; readonly max: number };
  readonly externalMb: { readonly first: number; readonly last: number; readonly max: number };
  readonly rssMb: { readonly first: number; readonly last: number; readonly max: number };
  /** Host fds before the load, at most during it, and after it ended and connections closed. */
  readonly fds: { readonly before: number; readonly max: number; readonly after: number };
  readonly samples: readonly Sample[];
}

const CONCURRENCY = 32;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures capacity, then runs mixed load at `loadFactor` of it against a child-process host. */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const { durationMs, capacityMs = 5000, loadFactor = 0.5, sampleEveryMs = 1000, log = () => {} } = options;
  const host = await startHostProcess(
    0,
    options.idempotencyWindowMs === undefined
      ? {}
      : { TOOLBRIDGE_IDEMPOTENCY_WINDOW_MS: String(options.idempotencyWindowMs) },
  );
  try {
    await sleep(200);
    const fdsBefore = await countOpenFds(host.pid);
    const load = await MixedLoad.open(host.address, 8);

    const capacity = await measureCapacity(load, capacityMs);
    const target = Math.max(1, capacity * loadFactor);
    log(`capacity ${capacity.toFixed(0)} ops/s, soaking at ${target.toFixed(0)} ops/s for ${durationMs / 1000} s`);
    const opsAtStart = load.operations;
    const errorsAtStart = new Map(load.errors);

    const samples: Sample[] = [];
    const started = performance.now();
    const sampler = sampleLoop(host, load, started, sampleEveryMs, samples, log);
    await paced(load, target, durationMs);
    sampler.stop();
    await sampler.done;
    const elapsedS = (performance.now() - started) / 1000;
    const operations = load.operations - opsAtStart;

    await load.close();
    await sleep(500);
    const fdsAfter = await countOpenFds(host.pid);

    const errorsByKind: Record<string, number> = {};
    for (const [kind, n] of load.errors) {
      const delta = n - (errorsAtStart.get(kind) ?? 0);
      if (delta > 0) errorsByKind[kind] = delta;
    }
    // Second half: JIT, pools and the idempotency cache (5 min window) fill during the first.
    const steady = samples.slice(Math.floor(samples.length / 2));
    const rss = samples.map((s) => s.rssMb);
    const heap = samples.map((s) => s.liveHeapMb);
    const external = samples.map((s) => s.externalMb);
    return {
      capacityOpsPerSec: capacity,
      targetOpsPerSec: target,
      achievedOpsPerSec: operations / elapsedS,
      operations,
      errors: Object.values(errorsByKind).reduce((a, b) => a + b, 0),
      errorsByKind,
      rssSlopeMbPerMin: slope(steady.map((s) => ({ x: s.atMs / 60_000, y: s.rssMb }))),
      rssMb: { first: rss[0] ?? 0, last: rss.at(-1) ?? 0, max: Math.max(...rss) },
      liveHeapSlopeMbPerMin: slope(steady.map((s) => ({ x: s.atMs / 60_000, y: s.liveHeapMb }))),
      liveHeapMb: { first: heap[0] ?? 0, last: heap.at(-1) ?? 0, max: Math.max(...heap) },
      externalMb: { first: external[0] ?? 0, last: external.at(-1) ?? 0, max: Math.max(...external) },
      fds: { before: fdsBefore, max: Math.max(...samples.map((s) => s.fds)), after: fdsAfter },
      samples,
    };
  } finally {
    await host.process.stop();
  }
}

/** Operations per second with CONCURRENCY callers going flat out. */
async function measureCapacity(load: MixedLoad, ms: number): Promise<number> {
  const before = load.operations;
  const end = performance.now() + ms;
  let i = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) await load.run(pickOperation((i++ * 0.6180339887) % 1));
    }),
  );
  return ((load.operations - before) * 1000) / ms;
}

/** Starts operations at `perSecond` (never more than CONCURRENCY in flight) until `ms` have passed. */
async function paced(load: MixedLoad, perSecond: number, ms: number): Promise<void> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let launched = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    while (launched < due && inFlight.size < CONCURRENCY) {
      // Golden-ratio sequence: the mix's proportions without a random source.
      const op = load.run(pickOperation((launched++ * 0.6180339887) % 1));
      inFlight.add(op);
      void op.finally(() => inFlight.delete(op));
    }
    if (launched < due) launched = due; // behind schedule: skip rather than burst
    await sleep(5);
  }
  await Promise.all(inFlight);
}

function sampleLoop(
  host: HostProcess,
  load: MixedLoad,
  started: number,
  everyMs: number,
  samples: Sample[],
  log: (line: string) => void,
) {
  let running = true;
  const done = (async () => {
    while (running) {
      const [rss, fds] = await Promise.all([rssBytes(host.pid), countOpenFds(host.pid)]);
      const live = await liveMemory(host);
      const mb = (bytes: number) => bytes / 1024 / 1024;
      const sample = {
        atMs: performance.now() - started,
        rssMb: mb(rss),
        liveHeapMb: mb(live.heapBytes),
        externalMb: mb(live.externalBytes),
        fds,
        operations: load.operations,
      };
      samples.push(sample);
      log(
        `t=${(sample.atMs / 1000).toFixed(0)}s rss=${sample.rssMb.toFixed(1)}MB heap=${sample.liveHeapMb.toFixed(1)}MB ext=${sample.externalMb.toFixed(1)}MB fds=${fds} ops=${sample.operations} errors=${load.errorCount}`,
      );
      await sleep(everyMs);
    }
  })();
  return {
    done,
    stop: () => {
      running = false;
    },
  };
}
