import { ToolBridge, type ToolBridgeError } from "@toolbridge/client";
import { freePort, isProcessAlive, waitFor } from "@toolbridge/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { type HostProcess, startHostProcess } from "./child/host-process.js";

// The host runs as a child process on a fixed port; it is killed (SIGKILL, a
// crash, no goodbye) under load and started again on the same port. The same
// client objects must carry on: the channel reconnects by itself, in-flight
// calls fail with a clear error, and new calls succeed.

const FAST_RECONNECT = { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 300 };
/** What a caller may see while the host is down or just back (its in-memory session went with it). */
const OUTAGE_CODES = new Set(["Unavailable", "DeadlineExceeded", "SessionNotFound", "SessionExpired"]);

let current: HostProcess | undefined;

afterAll(async () => {
  await current?.process.stop("SIGKILL", 0);
});

interface Loader {
  bridge: ToolBridge;
  ok: number;
  okAfterRestart: number;
  errors: string[];
}

describe("host restarted under load", () => {
  it("clients reconnect and new calls succeed with no manual step", async () => {
    const port = await freePort();
    current = await startHostProcess(port);
    const address = `127.0.0.1:${port}`;
    const loaders: Loader[] = [];
    for (let i = 0; i < 6; i++) {
      const bridge = new ToolBridge(address, { channelOptions: FAST_RECONNECT, timeoutMs: 2000 });
      await bridge.initialize(`restart-${i}`);
      loaders.push({ bridge, ok: 0, okAfterRestart: 0, errors: [] });
    }
    let restarted = false;
    let running = true;
    const loops = loaders.map(async (loader, i) => {
      let n = 0;
      while (running) {
        try {
          const value = await loader.bridge.callTool("echo", { value: n }, { timeoutMs: 2000 });
          expect(value).toBe(n);
          loader.ok++;
          if (restarted) loader.okAfterRestart++;
        } catch (error) {
          const code = (error as ToolBridgeError).errorType;
          loader.errors.push(code);
          // The application's answer to a lost session: open it again on the same bridge.
          if (code === "SessionNotFound" || code === "SessionExpired") {
            await loader.bridge.initialize(`restart-${i}`).catch(() => {});
          } else await new Promise((resolve) => setTimeout(resolve, 20));
        }
        n++;
      }
    });

    await waitFor(() => loaders.every((l) => l.ok >= 5), { timeoutMs: 10_000, message: "load before the crash" });
    const oldPid = current.pid;
    await current.process.stop("SIGKILL", 0);
    expect(await isProcessAlive(oldPid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300)); // calls meet a dead port meanwhile
    current = await startHostProcess(port);
    restarted = true;

    await waitFor(() => loaders.every((l) => l.okAfterRestart >= 5), {
      timeoutMs: 15_000,
      message: () => `every client to succeed again: ${JSON.stringify(loaders.map((l) => l.okAfterRestart))}`,
    });
    running = false;
    await Promise.all(loops);
    for (const loader of loaders) {
      for (const code of loader.errors) expect(OUTAGE_CODES.has(code), `unexpected error ${code}`).toBe(true);
      await loader.bridge.close();
    }
    // Some calls must actually have met the outage, or the test proved nothing.
    expect(loaders.some((l) => l.errors.length > 0)).toBe(true);
  });
});
