// The soak's host, in its own process: the same host as test/reliability/child/host-main.ts, with a
// probe that splits the host's memory into the parts that can grow (live JS heap, V8's committed
// heap, code, buffers, malloc) so an RSS slope can be attributed, and heap snapshots on demand.
// SIGUSR2: full GC, then one line "soak probe {json}" (a MemoryProbe).
// SIGWINCH: full GC, then a heap snapshot into SOAK_SNAPSHOT_DIR, "soak snapshot PATH".
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { getHeapSnapshot, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { startCountingHost } from "../reliability/child/counting-host.js";
import type { MemoryProbe } from "./memory-probe.js";

const host = await startCountingHost();

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("soak-host needs node --expose-gc");

/** kB fields of /proc/self/status, in bytes. */
function procStatus(...fields: string[]): number[] {
  const status = readFileSync("/proc/self/status", "utf8");
  return fields.map((field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? 0) * 1024);
}

function probe(): MemoryProbe {
  gc?.();
  const usage = process.memoryUsage();
  const heap = getHeapStatistics();
  const spaces: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = space.space_size;
  const [rssAnon, rssFile] = procStatus("RssAnon", "RssFile");
  const resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  return {
    rss: usage.rss,
    rssAnon: rssAnon ?? 0,
    rssFile: rssFile ?? 0,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    mallocedByV8: heap.malloced_memory,
    spaces,
    resources,
  };
}

process.on("SIGUSR2", () => {
  console.log(`soak probe ${JSON.stringify(probe())}`);
});

let snapshots = 0;
process.on("SIGWINCH", () => {
  const dir = process.env.SOAK_SNAPSHOT_DIR;
  if (!dir) return;
  gc();
  const path = join(dir, `soak-host-${process.pid}-${++snapshots}.heapsnapshot`);
  void pipeline(getHeapSnapshot(), createWriteStream(path)).then(
    () => console.log(`soak snapshot ${path}`),
    (error: Error) => console.log(`soak snapshot failed ${error.message}`),
  );
});

console.log(`host listening on ${host.address}`);
