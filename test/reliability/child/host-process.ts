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
export async function startHostProcess(port = 0): Promise<HostProcess> {
  const started = await startProcess(process.execPath, ["--import", register, main], {
    readyPattern: /^host listening on (\S+)$/,
    env: { TOOLBRIDGE_PORT: String(port), NODE_OPTIONS: "" },
    timeoutMs: 30_000,
  });
  const address = started.match?.[1];
  if (address === undefined) throw new Error("host process printed no address");
  return { process: started, address, pid: started.pid };
}
