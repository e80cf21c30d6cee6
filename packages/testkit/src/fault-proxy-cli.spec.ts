import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EchoServer, startEchoServer } from "./echo-server.js";
import { startProcess } from "./start-process.js";
import { TcpProbe } from "./tcp-probe.js";
import { waitFor } from "./wait-for.js";

// The CLI runs as plain `node` on the built file, as scripts will run it; `tsc -b` is
// incremental, so this is quick when dist/ is current.
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const cli = join(repoRoot, "packages/testkit/dist/fault-proxy-cli.js");
const READY = /^fault-proxy listening api=(\S+)((?: \S+=\S+->\S+)*)$/;

let echo: EchoServer;
let workDir: string;

beforeAll(async () => {
  await promisify(execFile)(
    process.execPath,
    [join(repoRoot, "node_modules/typescript/bin/tsc"), "-b", "packages/testkit"],
    {
      cwd: repoRoot,
    },
  );
  echo = await startEchoServer();
  workDir = await mkdtemp(join(tmpdir(), "fault-proxy-cli-"));
}, 120_000);

afterAll(async () => {
  await echo?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** "name=listen->upstream" pairs from the ready line. */
function proxiesOf(match: RegExpMatchArray | null): Record<string, string> {
  const pairs = (match?.[2] ?? "").trim().split(" ").filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => pair.split("->")[0]?.split("=") as [string, string]));
}

describe("toolbridge-fault-proxy CLI", () => {
  it("runs proxies from flags and is driven over its HTTP API like toxiproxy", async () => {
    const started = await startProcess(
      process.execPath,
      [cli, "--api", "127.0.0.1:0", "--proxy", `echo=${echo.address}`],
      {
        readyPattern: READY,
      },
    );
    try {
      const apiUrl = started.match?.[1] ?? "";
      const listen = proxiesOf(started.match).echo ?? "";
      const response = await fetch(`${apiUrl}/proxies/echo/toxics`, {
        method: "POST",
        body: JSON.stringify({ type: "limit_data", attributes: { bytes: 3 } }),
      });
      expect(response.status).toBe(200);
      const client = await TcpProbe.connect(listen);
      client.send("hello");
      expect(await client.closed).toEqual({ endedByPeer: true });
      expect(client.received().toString()).toBe("hel");

      expect((await fetch(`${apiUrl}/proxies/echo/toxics/limit_data_downstream`, { method: "DELETE" })).status).toBe(
        204,
      );
      const again = await TcpProbe.connect(listen);
      again.send("hello");
      expect((await again.receive(5)).toString()).toBe("hello");
      again.destroy();
    } finally {
      expect(await started.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
  });

  it("loads a toxiproxy config file, toxics included", async () => {
    const config = join(workDir, "toxiproxy.json");
    await writeFile(
      config,
      JSON.stringify([
        {
          name: "grpc",
          listen: "127.0.0.1:0",
          upstream: echo.address,
          toxics: [{ type: "timeout", attributes: { timeout: 0 } }],
        },
        { name: "redis", upstream: "127.0.0.1:6379", enabled: false },
      ]),
    );
    const started = await startProcess(process.execPath, [cli, "--api", "127.0.0.1:0", "--config", config], {
      readyPattern: READY,
    });
    try {
      const proxies = (await (await fetch(`${started.match?.[1]}/proxies`)).json()) as Record<string, unknown>;
      expect(proxies.grpc).toMatchObject({ enabled: true, toxics: [{ type: "timeout", name: "timeout_downstream" }] });
      expect(proxies.redis).toMatchObject({ enabled: false, toxics: [] });
      expect(Object.keys(proxiesOf(started.match))).toEqual(["grpc", "redis"]);
    } finally {
      await started.stop();
    }
  });

  it("exits with status 2 and a coded message on bad input", async () => {
    const started = await startProcess(process.execPath, [cli, "--api", "127.0.0.1:0", "--proxy", "no-upstream"]);
    expect(await started.exited).toEqual({ code: 2, signal: null });
    await started.stop();
    // Output is read asynchronously and may trail the exit event.
    await waitFor(() => started.output().includes("toolbridge-fault-proxy: INVALID_CONFIG"));
  });
});
