import { fileURLToPath } from "node:url";
import { type StartedProcess, startProcess } from "@toolbridge/testkit";

const register = fileURLToPath(new URL("./register.mjs", import.meta.url));
const main = fileURLToPath(new URL("./host-main.ts", import.meta.url));

export interface HostProcess {
  readonly process: StartedProcess;
  readonly address: string;
  readonly pid: number;
}

/** Starts host-main.ts in a child Node process (from sources) and waits until it listens. */
export async function startHostProcess(port = 0, env: Record<string, string> = {}): Promise<HostProcess> {
  const started = await startProcess(process.execPath, ["--expose-gc", "--import", register, main], {
    readyPattern: /^host listening on (\S+)$/,
    env: { TOOLBRIDGE_PORT: String(port), NODE_OPTIONS: "", ...env },
    timeoutMs: 30_000,
  });
  const address = started.match?.[1];
  if (address === undefined) throw new Error("host process printed no address");
  return { process: started, address, pid: started.pid };
}

/** Memory the host still holds after a forced full GC (its SIGUSR2 probe), in bytes. */
export async function liveMemory(
  host: HostProcess,
  timeoutMs = 5000,
): Promise<{ heapBytes: number; externalBytes: number }> {
  const before = host.process.output().length;
  process.kill(host.pid, "SIGUSR2");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /live heap (\d+) external (\d+)/.exec(host.process.output().slice(before));
    if (match) return { heapBytes: Number(match[1]), externalBytes: Number(match[2]) };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the host did not answer the memory probe");
}
