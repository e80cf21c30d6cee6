// Test helper: a real three-node Redis Cluster (no replicas) on free loopback ports.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, waitForPing } from "./redis-server.js";

const run = promisify(execFile);
export const REDIS_CLI = "/usr/bin/redis-cli";

export interface RedisCluster {
  /** URL of one node, marked as a cluster for RedisSessionStore. */
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/** Whether redis-cli (which creates the cluster) is installed. */
export function canStartCluster(): boolean {
  return existsSync(REDIS_CLI);
}

export async function startRedisCluster(nodes = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tb-cluster-"));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < nodes; i++) {
      const port = await freePort();
      // The cluster bus gets its own free port (default would be port + 10000, maybe taken or out of range).
      const busPort = await freePort();
      const child = spawn(
        "/usr/bin/redis-server",
        [
          "--port",
          String(port),
          "--cluster-port",
          String(busPort),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          "2000",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir,
        ],
        { stdio: "ignore" },
      );
      children.push(child);
      ports.push(port);
      await waitForPing(port, child);
    }
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await run(REDIS_CLI, ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    await untilClusterOk(ports);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${ports[0]}?cluster=true`, ports, stop };
}

/** Every node agrees the cluster is up (slots assigned and known to all). */
async function untilClusterOk(ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const states = await Promise.all(
      ports.map(async (port) => {
        const { stdout } = await run(REDIS_CLI, ["-p", String(port), "cluster", "info"]);
        return /cluster_state:ok/.test(stdout);
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error("redis cluster did not reach cluster_state:ok");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
