// No orphans: a host killed with SIGKILL leaves none of the workers it started
// behind (they watch their stdin pipe and parent pid). The host runs as a child
// process (examples/workers/supervised_host.mjs, from source).
import { fileURLToPath } from "node:url";
import { isProcessAlive, startProcess, waitFor } from "@toolbridge/testkit";
import { afterEach, expect, test } from "vitest";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const loader = fileURLToPath(new URL("./testing/register.mjs", import.meta.url));
const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function startSupervisedHost(config: object) {
  const host = await startProcess(
    process.execPath,
    ["--import", loader, `${repo}examples/workers/supervised_host.mjs`, JSON.stringify(config)],
    { readyPattern: /^worker pids: ([\d,]+)$/, timeoutMs: 60_000 },
  );
  stops.push(() => host.stop("SIGKILL", 0));
  return { host, pids: (host.match?.[1] ?? "").split(",").map(Number) };
}

function allGone(pids: readonly number[]) {
  return waitFor(async () => (await Promise.all(pids.map(isProcessAlive))).every((alive) => !alive), {
    timeoutMs: 5_000,
    message: `workers ${pids.join(",")} to exit`,
  });
}

test("kill -9 of the host: every worker it started (Python and TypeScript) is gone within 5 s", async () => {
  const config = {
    workers: [
      { command: "/usr/bin/python3", args: [`${repo}examples/workers/python_worker.py`], count: 2, name: "py" },
      { command: process.execPath, args: ["--import", loader, `${repo}examples/workers/ts_worker.mjs`], name: "ts" },
    ],
  };
  const { host, pids } = await startSupervisedHost(config);
  expect(pids).toHaveLength(3);
  for (const pid of pids) expect(await isProcessAlive(pid)).toBe(true);

  // Only the host: its workers are in process groups of their own, out of reach of a group kill.
  process.kill(host.pid, "SIGKILL");
  await host.exited;
  await allGone(pids);
});

test("a host that stops answering (SIGSTOP) is left by its workers after 3 missed heartbeats", async () => {
  const config = {
    workers: [
      { command: "/usr/bin/python3", args: [`${repo}examples/workers/python_worker.py`], name: "py" },
      { command: process.execPath, args: ["--import", loader, `${repo}examples/workers/ts_worker.mjs`], name: "ts" },
    ],
    workerOptions: { heartbeatIntervalMs: 200 },
  };
  const { host, pids } = await startSupervisedHost(config);
  expect(pids).toHaveLength(2);
  // Stopped, not dead: the stdin pipes stay open and the parent pid is unchanged, so only
  // the workers' own heartbeat watch can notice.
  process.kill(host.pid, "SIGSTOP");
  await allGone(pids);
});
