// Measured code runs in child processes so the client and the server never share
// one event loop (and the orchestrator's own work never lands in a measurement).
// Parent and child talk over the IPC channel with numbered request/response messages.
import { fork } from "node:child_process";

/**
 * Forks `modulePath` with --expose-gc (memory scenarios force a GC before reading
 * the heap) and returns a handle whose `call(cmd, args)` runs one command in it.
 * `execArgv` adds node flags (e.g. --cpu-prof when profiling).
 */
export function forkWorker(modulePath, { name = modulePath, execArgv = [], quietStdout = false } = {}) {
  const child = fork(modulePath, [], {
    execArgv: ["--expose-gc", ...execArgv],
    serialization: "advanced",
    // Servers' stdout carries their (info-level) logs, which would interleave with the table.
    stdio: ["ignore", quietStdout ? "ignore" : "inherit", "inherit", "ipc"],
  });
  const pending = new Map();
  let nextId = 1;
  let exited = null;

  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  child.on("message", (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${name}: ${message.error}`));
  });
  child.on("exit", (code, signal) => {
    exited = `${name} exited (code ${code}, signal ${signal})`;
    failAll(new Error(exited));
  });
  child.on("error", (error) => failAll(error));

  return {
    pid: child.pid,
    call(cmd, args = {}) {
      if (exited) return Promise.reject(new Error(exited));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    /** Asks the child to stop, then kills it if it has not exited within 3 s. */
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * Child side: answers the parent's commands with `handlers[cmd](args)`. When the
 * parent disconnects, `onDisconnect` runs (to stop servers) and the process exits.
 */
export function serveCommands(handlers, onDisconnect = async () => {}) {
  process.on("message", async ({ id, cmd, args }) => {
    try {
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unknown command ${cmd}`);
      process.send({ id, ok: true, value: await handler(args) });
    } catch (error) {
      process.send({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  process.on("disconnect", async () => {
    try {
      await onDisconnect();
    } finally {
      process.exit(0);
    }
  });
}

/** Heap and RSS after two full GCs (the child runs with --expose-gc). */
export function memoryAfterGc() {
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}

/** CPU time (user + system) this process has used, in microseconds. */
export function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}
