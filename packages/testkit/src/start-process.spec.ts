import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { countOpenFds, isProcessAlive, rssBytes } from "./proc-stats.js";
import { startProcess } from "./start-process.js";
import { waitFor } from "./wait-for.js";

describe("startProcess", () => {
  it("returns the ready line's match and kills the whole process group on stop", async () => {
    // The shell starts a grandchild and ignores TERM itself; only a group kill reaches both.
    const started = await startProcess("sh", ["-c", "trap '' TERM; sleep 300 & echo \"ready $!\"; wait"], {
      readyPattern: /^ready (\d+)$/,
    });
    const grandchild = Number(started.match?.[1]);
    expect(await isProcessAlive(grandchild)).toBe(true);
    expect(await isProcessAlive(started.pid)).toBe(true);

    const status = await started.stop("SIGTERM", 300);
    expect(status).toEqual({ code: null, signal: "SIGKILL" });
    await waitFor(async () => !(await isProcessAlive(grandchild)), { message: "the grandchild to die" });
  });

  it("passes env and stops gracefully when the process honours the signal", async () => {
    const started = await startProcess("sh", ["-c", 'echo "port=$PORT"; exec sleep 300'], {
      readyPattern: /^port=(\d+)$/,
      env: { PORT: "4242" },
    });
    expect(started.match?.[1]).toBe("4242");
    expect(await started.stop()).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("rejects with PROCESS_EXITED, with the output, when the process dies before it is ready", async () => {
    await expect(
      startProcess("sh", ["-c", "echo 'boom: config missing' >&2; exit 3"], { readyPattern: /ready/ }),
    ).rejects.toMatchObject({
      code: "PROCESS_EXITED",
      details: { output: expect.stringContaining("boom: config missing") },
    });
  });

  it("rejects with READY_TIMEOUT and leaves nothing running", async () => {
    const error = await startProcess("sh", ["-c", 'echo "pid $$"; sleep 300'], {
      readyPattern: /never printed/,
      timeoutMs: 300,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "READY_TIMEOUT" });
    const shellPid = Number(/pid (\d+)/.exec((error as { details: { output: string } }).details.output)?.[1]);
    expect(shellPid).toBeGreaterThan(0);
    await waitFor(async () => !(await isProcessAlive(shellPid)));
  });

  it("rejects when the command does not exist", async () => {
    await expect(startProcess("/nonexistent/toolbridge-binary")).rejects.toMatchObject({ code: "PROCESS_EXITED" });
  });
});

describe("freePort, waitFor and /proc stats", () => {
  it("freePort returns a port that can be listened on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise((resolve) => server.close(resolve));
  });

  it("waitFor returns the first truthy value and times out with the last error as cause", async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? `after ${calls}` : null))).toBe("after 3");
    await expect(
      waitFor(
        () => {
          throw new Error("still down");
        },
        { timeoutMs: 50, message: "the host" },
      ),
    ).rejects.toMatchObject({
      code: "WAIT_TIMEOUT",
      message: "timed out after 50 ms waiting for the host",
      cause: { message: "still down" },
    });
  });

  it("countOpenFds and rssBytes see a child's descriptors and memory", async () => {
    const started = await startProcess("sh", ["-c", "exec 7</dev/null 8</dev/null; echo ready; exec sleep 300"], {
      readyPattern: /^ready$/,
    });
    try {
      // sleep inherits 0, 1, 2 and the two extra descriptors opened by the shell.
      expect(await countOpenFds(started.pid)).toBeGreaterThanOrEqual(5);
      expect(await rssBytes(started.pid)).toBeGreaterThan(0);
      const before = await countOpenFds();
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      expect(await countOpenFds()).toBe(before + 1);
      await new Promise((resolve) => server.close(resolve));
    } finally {
      await started.stop();
    }
    await expect(rssBytes(started.pid)).rejects.toThrow();
  });
});
