import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateTestCertificates, type TestCertificates } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHost, type Host } from "../host.js";
import { defineTool } from "../tool/define-tool.js";

// The Python client (credentials + auth_token) against a host with TLS and bearer tokens.

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const TOKEN = "python-token-0123456789";

let certs: TestCertificates;
let host: Host;

beforeAll(async () => {
  certs = generateTestCertificates();
  host = await createHost({
    port: 0,
    logLevel: "silent",
    tls: { cert: certs.server.cert, key: certs.server.key },
    auth: { tokens: { [TOKEN]: "py" } },
    tools: [defineTool({ name: "echo", input: z.object({ value: z.unknown() }), handler: ({ value }) => value })],
  });
});

afterAll(async () => {
  await host.close({ graceMs: 50 });
  certs.dispose();
});

describe("Python client on a secured host", () => {
  it("connects with TLS credentials and auth_token; a wrong token is Unauthenticated, plaintext Unavailable", async () => {
    // Asynchronously: the host runs in this process and must keep answering meanwhile.
    const run = await runPython(
      fileURLToPath(new URL("./python_secure_client.py", import.meta.url)),
      JSON.stringify({ address: `localhost:${host.port}`, ca: certs.ca, token: TOKEN, session: "py-secure" }),
    );
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen.good).toEqual({ ok: "py-secure" });
    expect(seen.bad_token).toEqual({ error: "Unauthenticated" });
    expect(seen.no_tls).toEqual({ error: "Unavailable" });
  });
});

function runPython(script: string, input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/python3", [script], { env: { ...process.env, PYTHONPATH: `${repo}python` } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}
