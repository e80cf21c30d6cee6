// Starts load/serve-demo.mjs as a child process and resolves with its addresses,
// so load generators never share a process (or an event loop) with the host.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

const SERVE = new URL("./serve-demo.mjs", import.meta.url);

/** @returns {Promise<{grpc: string, http: string, pid: number, stop: () => Promise<void>}>} */
export async function startDemoHost() {
  const child = spawn(process.execPath, [SERVE.pathname], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`demo host exited with code ${code} before it was ready`);
  });
  const [line] = await Promise.race([once(lines, "line"), exited]);
  exited.catch(() => {});
  const addresses = JSON.parse(line);
  return {
    ...addresses,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
