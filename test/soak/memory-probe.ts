import { fileURLToPath } from "node:url";
import { type HostProcess, startHostProcess } from "../reliability/child/host-process.js";

const main = fileURLToPath(new URL("./soak-host.ts", import.meta.url));

/** What soak-host.ts reports after a forced full GC; bytes unless named otherwise. */
export interface MemoryProbe {
  readonly rss: number;
  /** Anonymous resident memory (heap, malloc, stacks): where a leak would show. */
  readonly rssAnon: number;
  /** Resident file-backed pages (the node binary, shared libraries): grows as code is touched. */
  readonly rssFile: number;
  /** Live JS heap. */
  readonly heapUsed: number;
  /** Heap V8 has committed (live + free space it keeps). */
  readonly heapTotal: number;
  /** Memory of C++ objects bound to JS objects, including ArrayBuffers. */
  readonly external: number;
  readonly arrayBuffers: number;
  /** V8's own malloc use (compiler zones and the like). */
  readonly mallocedByV8: number;
  /** Committed size of each V8 heap space (old_space, code_space, large_object_space, ...). */
  readonly spaces: Readonly<Record<string, number>>;
  /** process.getActiveResourcesInfo() by kind: timers, sockets, ... (a timer or handle leak shows here). */
  readonly resources: Readonly<Record<string, number>>;
}

export type SoakHost = HostProcess;

/**
 * Starts soak-host.ts in a child Node process (from sources) and waits until it listens. `env` is
 * added to this process's environment (e.g. MALLOC_ARENA_MAX, TOOLBRIDGE_IDEMPOTENCY_WINDOW_MS).
 */
export function startSoakHost(env: Record<string, string> = {}): Promise<SoakHost> {
  return startHostProcess(0, env, main);
}

/** Sends `signal` and waits for the host's answer line starting with `prefix`; returns the rest of it. */
async function ask(host: SoakHost, signal: NodeJS.Signals, prefix: string, timeoutMs: number): Promise<string> {
  const before = host.process.output().length;
  process.kill(host.pid, signal);
  const pattern = new RegExp(`^${prefix} (.*)$`, "m");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(host.process.output().slice(before));
    if (match) return match[1] as string;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the soak host did not answer ${signal} within ${timeoutMs} ms`);
}

/** The host's memory after a forced full GC. */
export async function probeMemory(host: SoakHost, timeoutMs = 5000): Promise<MemoryProbe> {
  return JSON.parse(await ask(host, "SIGUSR2", "soak probe", timeoutMs)) as MemoryProbe;
}

/** Writes a heap snapshot of the host into SOAK_SNAPSHOT_DIR (set when it was started); returns its path. */
export async function heapSnapshot(host: SoakHost, timeoutMs = 120_000): Promise<string> {
  const answer = await ask(host, "SIGWINCH", "soak snapshot", timeoutMs);
  if (answer.startsWith("failed")) throw new Error(`heap snapshot ${answer}`);
  return answer;
}
