import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Logger } from "pino";
import { WORKER_ENV, type WorkerConfig } from "./config.js";
import type { WorkerConnection } from "./worker-connection.js";
import type { WorkerHub } from "./worker-hub.js";
import type { WorkerTlsEnv } from "./worker-tls.js";

/** One process the supervisor started. */
interface Running {
  readonly id: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly token: string;
  readonly spawnedAt: number;
  readonly exited: Promise<void>;
  readyAt: number;
  connection: WorkerConnection | undefined;
  retiring: boolean;
  readyTimer: NodeJS.Timeout | undefined;
}

/** One of `count` places a config asks for; its process is replaced when it dies or is recycled. */
interface Slot {
  readonly config: WorkerConfig;
  readonly name: string;
  readonly index: number;
  generation: number;
  current: Running | undefined;
  /** Consecutive quick failures: the restart backoff grows with them. */
  failures: number;
  restartTimer: NodeJS.Timeout | undefined;
  /** Resolves when the slot's first process is ready. */
  readonly firstReady: Promise<void>;
  markReady: () => void;
}

/** A process that stayed up this long resets the restart backoff. */
const STABLE_MS = 10_000;
const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 30_000;
/** After SIGTERM, how long a process may take to exit before SIGKILL. */
const TERM_GRACE_MS = 5_000;

/**
 * Starts the worker processes of the host's config and keeps them running:
 * each in its own process group (so stopping it reaches its children), stdin a
 * pipe the worker libraries watch (EOF = the host is gone, even after SIGKILL),
 * TOOLBRIDGE_HOST_ADDRESS / TOOLBRIDGE_WORKER_TOKEN (also its credential for
 * ConnectWorker when the host requires auth) / TOOLBRIDGE_HOST_CA (with TLS) /
 * TOOLBRIDGE_CLIENT_CERT and TOOLBRIDGE_CLIENT_KEY (its client certificate, when
 * configured; in the environment so the key never shows on a command line) in
 * the environment. Ready =
 * said hello with its token and registered its tools. A process that dies is
 * restarted with exponential backoff; one that reaches maxRequests, maxRssBytes
 * or ttlMs is recycled: a replacement starts, the old one is drained, then stopped.
 */
export class WorkerSupervisor {
  private readonly slots: Slot[] = [];
  private readonly retiring = new Set<Running>();
  private checkTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private hostAddress = "";
  private readonly killAllOnExit = () => {
    for (const running of this.processes()) killGroup(running.pid, "SIGKILL");
  };

  constructor(
    private readonly hub: WorkerHub,
    configs: readonly WorkerConfig[],
    private readonly logger: Logger,
    /** TLS variables of each config's processes: the host's CA, their client certificate. */
    private readonly tlsEnv: WorkerTlsEnv = () => ({}),
  ) {
    for (const config of configs) {
      const count = config.count ?? 1;
      const name = config.name ?? basename(config.command);
      for (let index = 0; index < count; index++) {
        let markReady = () => {};
        const firstReady = new Promise<void>((resolve) => {
          markReady = resolve;
        });
        this.slots.push({
          config,
          name,
          index,
          generation: 0,
          current: undefined,
          failures: 0,
          restartTimer: undefined,
          firstReady,
          markReady,
        });
      }
    }
  }

  /** Starts every process; resolves when all are ready, or after readyTimeoutMs (logging which are not). */
  async start(hostAddress: string): Promise<void> {
    this.hostAddress = hostAddress;
    process.on("exit", this.killAllOnExit);
    for (const slot of this.slots) this.spawn(slot);
    this.checkTimer = setInterval(() => void this.checkLimits(), this.hub.options.heartbeatIntervalMs);
    this.checkTimer.unref();
    const timeoutMs = this.hub.options.readyTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ready = await Promise.race([Promise.all(this.slots.map((s) => s.firstReady)).then(() => true), timedOut]);
    clearTimeout(timer);
    if (!ready) {
      const late = this.slots.filter((s) => !s.current?.readyAt).map((s) => `${s.name}-${s.index}`);
      this.logger.error({ workers: late }, `workers not ready after ${timeoutMs} ms; still trying`);
    }
  }

  /** Pids of the processes running now (current and retiring). */
  pids(): number[] {
    return this.processes().map((r) => r.pid);
  }

  /** Drains every process, then stops it: SIGTERM, SIGKILL after a grace period. */
  async close(graceMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.checkTimer);
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    await Promise.all(this.processes().map((running) => this.retire(running, "host shutting down", graceMs)));
    process.off("exit", this.killAllOnExit);
  }

  private processes(): Running[] {
    const out = [...this.retiring];
    for (const slot of this.slots) if (slot.current) out.push(slot.current);
    return out;
  }

  private spawn(slot: Slot): Running {
    slot.generation++;
    const id = `${slot.name}-${slot.index}${slot.generation > 1 ? `.${slot.generation}` : ""}`;
    const token = randomUUID();
    const config = slot.config;
    const child = spawn(config.command, [...(config.args ?? [])], {
      cwd: config.cwd,
      env: {
        ...process.env,
        ...this.tlsEnv(config),
        ...config.env,
        [WORKER_ENV.hostAddress]: this.hostAddress,
        [WORKER_ENV.token]: token,
        [WORKER_ENV.hostPid]: String(process.pid),
      },
      // Own process group: stopping the worker reaches whatever it started.
      detached: true,
      // stdin stays an open pipe we never write: its EOF tells the worker the host is gone.
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin?.on("error", () => {}); // EPIPE once the worker exits
    const exited = new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", (error) => {
        this.logger.error({ worker_id: id, error: error.message }, "cannot start worker");
        if (child.pid === undefined) resolve();
      });
    });
    const running: Running = {
      id,
      child,
      pid: child.pid ?? -1,
      token,
      spawnedAt: Date.now(),
      exited,
      readyAt: 0,
      connection: undefined,
      retiring: false,
      readyTimer: undefined,
    };
    slot.current = running;
    this.forwardOutput(running);
    running.readyTimer = setTimeout(() => {
      this.logger.error({ worker_id: id }, `worker not ready within ${this.hub.options.readyTimeoutMs} ms: killed`);
      killGroup(running.pid, "SIGKILL");
    }, this.hub.options.readyTimeoutMs);
    this.hub.expect(token, {
      id,
      maxRequests: config.maxRequests ?? 0,
      onReady: (connection) => {
        if (running.readyAt !== 0) return;
        clearTimeout(running.readyTimer);
        running.readyAt = Date.now();
        running.connection = connection;
        this.logger.info({ worker_id: id, pid: running.pid }, "worker ready");
        slot.markReady();
      },
      onClosed: (_connection, reason) => {
        // Stream gone or heartbeats missed while the process may still exist (e.g. stopped): make sure it is gone.
        if (!running.retiring) {
          this.logger.warn({ worker_id: id, reason }, "worker connection lost: killing its process");
          killGroup(running.pid, "SIGKILL");
        }
      },
      onExhausted: () => this.recycle(slot, running, `served ${config.maxRequests} requests`),
    });
    void exited.then(() => this.exited(slot, running));
    this.logger.info({ worker_id: id, pid: running.pid, command: config.command }, "worker started");
    return running;
  }

  private exited(slot: Slot, running: Running): void {
    clearTimeout(running.readyTimer);
    this.hub.unexpect(running.token);
    const { exitCode, signalCode } = running.child;
    running.connection?.close(`worker process exited (code ${exitCode}, signal ${signalCode})`);
    killGroup(running.pid, "SIGKILL"); // anything the worker left behind in its group
    this.retiring.delete(running);
    if (this.closed || running.retiring || slot.current !== running) return;
    this.logger.warn({ worker_id: running.id, code: exitCode, signal: signalCode }, "worker exited unexpectedly");
    const stable = running.readyAt !== 0 && Date.now() - running.readyAt >= STABLE_MS;
    slot.failures = stable ? 0 : slot.failures + 1;
    const delay = slot.failures === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (slot.failures - 1));
    slot.current = undefined;
    slot.restartTimer = setTimeout(() => {
      if (!this.closed) this.spawn(slot);
    }, delay);
    slot.restartTimer.unref();
  }

  /** Replacement first, so capacity does not dip; then drain and stop the old process. */
  private recycle(slot: Slot, running: Running, reason: string): void {
    if (running.retiring || this.closed || slot.current !== running) return;
    this.logger.info({ worker_id: running.id, reason }, "recycling worker");
    this.spawn(slot);
    void this.retire(running, `recycled: ${reason}`, this.hub.options.drainGraceMs);
  }

  private async retire(running: Running, reason: string, graceMs: number): Promise<void> {
    running.retiring = true;
    this.retiring.add(running);
    if (running.connection && !running.connection.closed) await this.hub.drain(running.connection, reason, graceMs);
    killGroup(running.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(running.pid, "SIGKILL"), TERM_GRACE_MS);
    await running.exited;
    clearTimeout(timer);
  }

  private async checkLimits(): Promise<void> {
    const now = Date.now();
    for (const slot of this.slots) {
      const running = slot.current;
      if (!running || running.readyAt === 0 || running.retiring) continue;
      const { ttlMs, maxRssBytes } = slot.config;
      if (ttlMs !== undefined && now - running.spawnedAt >= ttlMs) {
        this.recycle(slot, running, `reached its TTL of ${ttlMs} ms`);
        continue;
      }
      if (maxRssBytes !== undefined) {
        const rss = await rssOf(running.pid);
        if (rss > maxRssBytes) this.recycle(slot, running, `RSS ${rss} bytes over the limit of ${maxRssBytes}`);
      }
    }
  }

  /** A worker's output lines go to the host log; the host cannot know their severity, so: info. */
  private forwardOutput(running: Running): void {
    for (const [stream, name] of [
      [running.child.stdout, "stdout"],
      [running.child.stderr, "stderr"],
    ] as const) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => {
        for (const line of text.split("\n")) {
          if (line.trim() !== "") this.logger.info({ worker_id: running.id, pid: running.pid, stream: name }, line);
        }
      });
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Resident set size of a process (Linux /proc); 0 when it cannot be read. */
async function rssOf(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
