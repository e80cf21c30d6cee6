import { countOpenFds } from "@toolbridge/testkit";
import { heapSnapshot, type MemoryProbe, probeMemory, type SoakHost, startSoakHost } from "./memory-probe.js";
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
  /** Extra environment of the host process (e.g. MALLOC_ARENA_MAX=2 to compare allocators). */
  hostEnv?: Record<string, string>;
  /** Times into the soak (ms) at which the host writes a heap snapshot into SOAK_SNAPSHOT_DIR. */
  snapshotsAtMs?: readonly number[];
  log?: (line: string) => void;
}

/** The memory figures a soak follows, each in MB after the host's forced full GC. */
export const METRICS = [
  "rss",
  "rssAnon",
  "rssFile",
  "heapUsed",
  "heapTotal",
  "codeSpace",
  "external",
  "arrayBuffers",
  "mallocedByV8",
  /** rssAnon minus V8's committed heap: malloc arenas, buffers, stacks (native memory). */
  "native",
] as const;
export type Metric = (typeof METRICS)[number];

export type Sample = Readonly<Record<Metric, number>> & {
  readonly atMs: number;
  readonly fds: number;
  readonly operations: number;
  /** Active libuv handles and requests by kind (timers, sockets, ...). */
  readonly resources: Readonly<Record<string, number>>;
  /** Committed MB of each V8 heap space (new_space, old_space, code_space, large_object_space, ...). */
  readonly spaces: Readonly<Record<string, number>>;
};

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
  /** MB/min of every metric: over the whole run, and over its second half (after warm-up). */
  readonly slopes: { readonly whole: Record<Metric, number>; readonly secondHalf: Record<Metric, number> };
  /** MB of every metric: first sample, last sample, largest sample. */
  readonly memory: Record<Metric, { readonly first: number; readonly last: number; readonly max: number }>;
  /** Host fds before the load, at most during it, and after it ended and connections closed. */
  readonly fds: { readonly before: number; readonly max: number; readonly after: number };
  /** Active resources by kind in the first and the last sample (a growing kind is a leak). */
  readonly resources: { readonly first: Record<string, number>; readonly last: Record<string, number> };
  readonly snapshots: readonly string[];
  readonly samples: readonly Sample[];
}

const CONCURRENCY = 32;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures capacity, then runs mixed load at `loadFactor` of it against a child-process host. */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const { durationMs, capacityMs = 5000, loadFactor = 0.5, sampleEveryMs = 1000, log = () => {} } = options;
  const host = await startSoakHost({
    ...(options.idempotencyWindowMs === undefined
      ? {}
      : { TOOLBRIDGE_IDEMPOTENCY_WINDOW_MS: String(options.idempotencyWindowMs) }),
    ...options.hostEnv,
  });
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
    const snapshots: string[] = [];
    const started = performance.now();
    // A heap snapshot stops the host's event loop for seconds: probes wait for it instead of timing out.
    const exclusive = serializer();
    const sampler = sampleLoop(host, load, started, sampleEveryMs, samples, log, exclusive);
    const snapshotter = snapshotsAt(host, started, options.snapshotsAtMs ?? [], snapshots, log, exclusive);
    await paced(load, target, durationMs);
    sampler.stop();
    await Promise.all([sampler.done, snapshotter]);
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
    const slopes = { whole: slopesOf(samples), secondHalf: slopesOf(steady) };
    return {
      capacityOpsPerSec: capacity,
      targetOpsPerSec: target,
      achievedOpsPerSec: operations / elapsedS,
      operations,
      errors: Object.values(errorsByKind).reduce((a, b) => a + b, 0),
      errorsByKind,
      rssSlopeMbPerMin: slopes.secondHalf.rss,
      liveHeapSlopeMbPerMin: slopes.secondHalf.heapUsed,
      slopes,
      memory: rangesOf(samples),
      fds: { before: fdsBefore, max: Math.max(...samples.map((s) => s.fds)), after: fdsAfter },
      resources: { first: { ...samples[0]?.resources }, last: { ...samples.at(-1)?.resources } },
      snapshots,
      samples,
    };
  } finally {
    await host.process.stop();
  }
}

function slopesOf(samples: readonly Sample[]): Record<Metric, number> {
  const out = {} as Record<Metric, number>;
  for (const metric of METRICS) out[metric] = slope(samples.map((s) => ({ x: s.atMs / 60_000, y: s[metric] })));
  return out;
}

function rangesOf(samples: readonly Sample[]): SoakReport["memory"] {
  const out = {} as Record<Metric, { first: number; last: number; max: number }>;
  for (const metric of METRICS) {
    const values = samples.map((s) => s[metric]);
    out[metric] = { first: values[0] ?? 0, last: values.at(-1) ?? 0, max: Math.max(...values) };
  }
  return out;
}

/** One sample's memory figures in MB, from a probe. */
export function toMb(probe: MemoryProbe): Record<Metric, number> {
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    rss: mb(probe.rss),
    rssAnon: mb(probe.rssAnon),
    rssFile: mb(probe.rssFile),
    heapUsed: mb(probe.heapUsed),
    heapTotal: mb(probe.heapTotal),
    codeSpace: mb(probe.spaces.code_space ?? 0),
    external: mb(probe.external),
    arrayBuffers: mb(probe.arrayBuffers),
    mallocedByV8: mb(probe.mallocedByV8),
    native: mb(probe.rssAnon - probe.heapTotal),
  };
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
  host: SoakHost,
  load: MixedLoad,
  started: number,
  everyMs: number,
  samples: Sample[],
  log: (line: string) => void,
  exclusive: Serializer,
) {
  let running = true;
  const done = (async () => {
    while (running) {
      const [fds, probe] = await exclusive(() => Promise.all([countOpenFds(host.pid), probeMemory(host)]));
      const sample: Sample = {
        atMs: performance.now() - started,
        ...toMb(probe),
        fds,
        operations: load.operations,
        resources: probe.resources,
        spaces: Object.fromEntries(Object.entries(probe.spaces).map(([name, bytes]) => [name, bytes / 1024 / 1024])),
      };
      samples.push(sample);
      const f = (n: number) => n.toFixed(1);
      log(
        `t=${(sample.atMs / 1000).toFixed(0)}s rss=${f(sample.rss)} anon=${f(sample.rssAnon)} file=${f(sample.rssFile)} heapUsed=${f(sample.heapUsed)} heapTotal=${f(sample.heapTotal)} code=${f(sample.codeSpace)} ext=${f(sample.external)} ab=${f(sample.arrayBuffers)} native=${f(sample.native)} MB fds=${fds} ops=${sample.operations} errors=${load.errorCount} resources=${JSON.stringify(probe.resources)} spaces=${Object.entries(
          sample.spaces,
        )
          .map(([name, mb]) => `${name.replace("_space", "")}:${f(mb)}`)
          .join(",")}`,
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

/** Takes the requested heap snapshots (each after a full GC) while the load runs. */
async function snapshotsAt(
  host: SoakHost,
  started: number,
  atMs: readonly number[],
  paths: string[],
  log: (line: string) => void,
  exclusive: Serializer,
): Promise<void> {
  for (const at of [...atMs].sort((a, b) => a - b)) {
    await sleep(Math.max(0, at - (performance.now() - started)));
    const path = await exclusive(() => heapSnapshot(host));
    log(`heap snapshot at t=${((performance.now() - started) / 1000).toFixed(0)}s: ${path}`);
    paths.push(path);
  }
}

type Serializer = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs the tasks given to it one at a time, in order. */
function serializer(): Serializer {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => {});
    return result;
  };
}
