import { fileURLToPath } from "node:url";
import { type StartedProcess, startProcess } from "@toolbridge/testkit";

const register = fileURLToPath(new URL("./register.mjs", import.meta.url));
const hostMain = fileURLToPath(new URL("./host-main.ts", import.meta.url));

export interface HostProcess {
  readonly process: StartedProcess;
  readonly address: string;
  readonly pid: number;
}

/**
 * Starts a host script (host-main.ts unless told) in a child Node process, from sources, and
 * waits until it prints "host listening on ADDRESS".
 */
export async function startHostProcess(
  port = 0,
  env: Record<string, string> = {},
  main = hostMain,
): Promise<HostProcess> {
  const started = await startProcess(process.execPath, ["--expose-gc", "--import", register, main], {
    readyPattern: /^host listening on (\S+)$/m,
    env: { TOOLBRIDGE_PORT: String(port), NODE_OPTIONS: "", ...env },
    timeoutMs: 30_000,
  });
  const address = started.match?.[1];
  if (address === undefined) throw new Error("host process printed no address");
  return { process: started, address, pid: started.pid };
}
