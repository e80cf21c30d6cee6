import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { TestkitError } from "./errors.js";

export interface StartProcessOptions {
  /** Resolve once a line of stdout or stderr matches; without it, resolve as soon as the process has spawned. */
  readonly readyPattern?: RegExp;
  /** Added to (and overriding) this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** How long to wait for the ready line; default 10 000 ms. */
  readonly timeoutMs?: number;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartedProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The ready line's match (capture groups carry e.g. the port it printed); null without readyPattern. */
  readonly match: RegExpMatchArray | null;
  /** Resolves when the process exits, never rejects. */
  readonly exited: Promise<ExitStatus>;
  /** Everything it wrote to stdout and stderr so far (the last 1 MiB). */
  output(): string;
  /**
   * Sends `signal` to the whole process group, SIGKILLs the group if it is still there after
   * `graceMs`, and finally SIGKILLs whatever else is left in the group.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitStatus>;
}

const MAX_OUTPUT_CHARS = 1 << 20;
/** Process groups whose leader still runs, killed if this process exits first so no test leaves orphans. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Spawns `command` in its own process group (so stop() reaches its children too), collects its
 * output and waits for its ready line.
 */
export async function startProcess(
  command: string,
  args: readonly string[] = [],
  { readyPattern, env, cwd, timeoutMs = 10_000 }: StartProcessOptions = {},
): Promise<StartedProcess> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (text: string) => {
    output += text;
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
  };
  // "exit", not "close": a grandchild that inherited stdout could hold "close" back indefinitely.
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal: signal as NodeJS.Signals | null }));
    // A process that could not be spawned never emits "exit".
    child.once("error", () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });

  const ready = new Promise<{ pid: number; match: RegExpMatchArray | null }>((resolve, reject) => {
    const fail = (code: "READY_TIMEOUT" | "PROCESS_EXITED", message: string, cause?: unknown) =>
      reject(new TestkitError(code, message, { command, args, output: output.slice(-4000) }, { cause }));
    const timer = setTimeout(() => fail("READY_TIMEOUT", `${command} not ready after ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail("PROCESS_EXITED", `cannot start ${command}: ${error.message}`, error);
    });
    // After "close" (all output read), so a ready line printed just before exiting still counts.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      fail("PROCESS_EXITED", `${command} exited (code ${code}, signal ${signal}) before it was ready`);
    });
    const resolveReady = (match: RegExpMatchArray | null) => {
      clearTimeout(timer);
      if (child.pid !== undefined) resolve({ pid: child.pid, match });
    };
    if (!readyPattern) child.once("spawn", () => resolveReady(null));
    for (const stream of [child.stdout, child.stderr]) {
      forEachLine(stream, (line) => {
        append(`${line}\n`);
        const match = readyPattern?.exec(line);
        if (match) resolveReady(match);
      });
    }
  });

  const stop = async (signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<ExitStatus> => {
    const pgid = child.pid;
    if (pgid === undefined) return exited;
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(pgid, signal);
      const timer = setTimeout(() => killGroup(pgid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    killGroup(pgid, "SIGKILL");
    return exited;
  };

  if (child.pid !== undefined) {
    const pgid = child.pid;
    liveGroups.add(pgid);
    // Once the leader is gone its pid may be reused, so the exit hook must no longer signal that group.
    void exited.then(() => liveGroups.delete(pgid));
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", () => {
        for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
      });
    }
  }

  try {
    const { pid, match } = await ready;
    return { process: child, pid, match, exited, output: () => output, stop };
  } catch (error) {
    await stop("SIGKILL", 0);
    throw error;
  }
}

/** Calls `onLine` for each complete line, and for a last unterminated one at the end. */
function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (text: string) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (pending) onLine(pending);
  });
}
