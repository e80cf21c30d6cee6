import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertificateFiles, certificateFiles } from "./test-support/certificate-files.js";
import { assertBuilt, cleanEnv, run, type Served, serve } from "./test-support/cli-process.js";

// `toolbridge serve` with TLS, mutual TLS, bearer tokens and an audit log, and `tools` / `call`
// reaching it, all through the built command. Certificates are made by openssl for this run.

const ALICE_TOKEN = "alice-token-0123456789abcdef";
const MALLORY_TOKEN = "mallory-token-0123456789abcdef";

let files: CertificateFiles;
let tokenFile: string;

beforeAll(() => {
  assertBuilt();
  files = certificateFiles();
  tokenFile = files.write("tokens.txt", `# principals of this test\n${ALICE_TOKEN} alice\n`);
});

afterAll(() => files?.dispose());

const withToken = (token: string) => cleanEnv({ TOOLBRIDGE_TOKEN: token });

/** A stderr that is one line a user can act on: no stack trace. */
function expectOneLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}

describe("toolbridge serve with TLS, bearer tokens and an audit log", () => {
  let served: Served;
  let auditLog: string;

  beforeAll(async () => {
    auditLog = join(files.dir, "audit.log");
    served = await serve(
      [
        "--demo",
        "--port",
        "0",
        "--http-port",
        "0",
        "--tls-cert",
        files.serverCert,
        "--tls-key",
        files.serverKey,
        "--auth-tokens",
        tokenFile,
        "--audit-log",
        auditLog,
      ],
      2,
    );
  });

  afterAll(async () => {
    await served?.stop();
  });

  it("prints its listening line, and the gateway's as https", () => {
    expect(served.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(served.lines[1]).toMatch(/^toolbridge http gateway listening on https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("call with the CA and the token from $TOOLBRIDGE_TOKEN gets the result", async () => {
    const { code, stdout, stderr } = await run(
      ["call", "calculate", "--address", served.address, "--tls-ca", files.ca, "expression=2 + 3"],
      withToken(ALICE_TOKEN),
    );
    expect(stderr).toBe(""); // nor Node's warning about an IP address as TLS server name
    expect(code).toBe(0);
    expect(stdout).toBe("5\n");
  });

  it("tools reads the token from the variable --token-env names", async () => {
    const { code, stdout } = await run(
      ["tools", "--address", served.address, "--tls-ca", files.ca, "--token-env", "MY_TOKEN", "--json"],
      cleanEnv({ MY_TOKEN: ALICE_TOKEN }),
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { name: string }[]).map((tool) => tool.name)).toContain("calculate");
  });

  it("without a token: Unauthenticated, exit 1, one line saying where the token goes", async () => {
    const { code, stdout, stderr } = await run([
      "call",
      "calculate",
      "--address",
      served.address,
      "--tls-ca",
      files.ca,
      "expression=1",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^toolbridge: Unauthenticated: missing credentials/);
    expect(stderr).toContain("$TOOLBRIDGE_TOKEN");
    expectOneLine(stderr);
  });

  it("with an unknown token: Unauthenticated, and the token is not echoed", async () => {
    const { code, stderr } = await run(
      ["call", "calculate", "--address", served.address, "--tls-ca", files.ca, "expression=1"],
      withToken(MALLORY_TOKEN),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^toolbridge: Unauthenticated: invalid bearer token/);
    expect(stderr).not.toContain(MALLORY_TOKEN);
    expectOneLine(stderr);
  });

  it("trusting the wrong CA: UNAVAILABLE, the certificate does not verify", async () => {
    const { code, stdout, stderr } = await run(
      ["call", "calculate", "--address", served.address, "--tls-ca", files.strangerCa, "expression=1"],
      withToken(ALICE_TOKEN),
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^toolbridge: UNAVAILABLE: .*certificate/);
    expectOneLine(stderr);
  });

  it("in plaintext: UNAVAILABLE", async () => {
    const { code, stderr } = await run(
      ["call", "calculate", "--address", served.address, "expression=1"],
      withToken(ALICE_TOKEN),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^toolbridge: UNAVAILABLE: /);
  });

  it("writes the audit log: alice's sessions and the failed authentications, never a token", async () => {
    // The calls above ran before this test (vitest runs a file's tests in order).
    const events = readFileSync(auditLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; principal?: string; reason?: string });
    expect(events.filter((e) => e.event === "tool_registered")).toHaveLength(5);
    expect(events.some((e) => e.event === "session_created" && e.principal === "alice")).toBe(true);
    expect(events.filter((e) => e.event === "auth_failed").map((e) => e.reason)).toEqual(
      expect.arrayContaining([expect.stringContaining("missing credentials"), "invalid bearer token"]),
    );
    const text = readFileSync(auditLog, "utf8");
    expect(text).not.toContain(ALICE_TOKEN);
    expect(text).not.toContain(MALLORY_TOKEN);
  });
});

describe("toolbridge serve with mutual TLS and client certificates as principals", () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve([
      "--demo",
      "--port",
      "0",
      "--tls-cert",
      files.serverCert,
      "--tls-key",
      files.serverKey,
      "--tls-ca",
      files.ca,
      "--require-client-cert",
      "--client-cert-auth",
      "--audit-log",
      "-",
    ]);
  });

  afterAll(async () => {
    await served?.stop();
  });

  it("call with a client certificate gets in as its common name; without one it is refused", async () => {
    const tls = ["--tls-ca", files.ca];
    const mutual = [...tls, "--tls-cert", files.clientCert, "--tls-key", files.clientKey];
    const ok = await run(["call", "echo", "--address", served.address, ...mutual, "value=7"]);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("7\n");
    // --audit-log - writes to the host's stderr: the session belongs to the certificate's common name.
    expect(served.stderr()).toMatch(/"event":"session_created".*"principal":"alice"/);

    const anonymous = await run(["call", "echo", "--address", served.address, ...tls, "value=7"]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^toolbridge: UNAVAILABLE: /);
  });
});

describe("bad security flags", () => {
  it.each<[string, () => string[], string]>([
    [
      "a certificate without key",
      () => ["serve", "--tls-cert", files.serverCert],
      "serve: --tls-cert needs --tls-key FILE",
    ],
    [
      "--require-client-cert without --tls-ca",
      () => ["serve", "--tls-cert", files.serverCert, "--tls-key", files.serverKey, "--require-client-cert"],
      "serve: --require-client-cert needs --tls-ca FILE",
    ],
    [
      "a missing certificate file",
      () => ["serve", "--tls-cert", "/nonexistent/server.pem", "--tls-key", files.serverKey],
      "serve: --tls-cert /nonexistent/server.pem: no such file",
    ],
    [
      "a missing token file",
      () => ["serve", "--auth-tokens", "/nonexistent/tokens.txt"],
      "serve: --auth-tokens /nonexistent/tokens.txt: no such file",
    ],
    [
      "a token file with a bad line",
      () => ["serve", "--auth-tokens", files.write("bad.txt", `${ALICE_TOKEN} alice\n\n${MALLORY_TOKEN}\n`)],
      'bad.txt: line 3: expected "TOKEN PRINCIPAL"',
    ],
    ["--admin without authentication", () => ["serve", "--admin", "ops"], "serve: --admin needs --auth-tokens FILE"],
    [
      "a client certificate without key",
      () => ["call", "calculate", "--address", "127.0.0.1:1", "--tls-cert", files.clientCert],
      "call: --tls-cert needs --tls-key FILE",
    ],
    [
      "--token-env naming an unset variable",
      () => ["tools", "--address", "127.0.0.1:1", "--token-env", "NO_SUCH_TOKEN_VARIABLE"],
      "tools: --token-env NO_SUCH_TOKEN_VARIABLE: that variable is not set",
    ],
    [
      "a zero session limit",
      () => ["serve", "--max-sessions", "0"],
      "serve: --max-sessions must be a whole number >= 1",
    ],
  ])("%s fails with exit code 2 and says why", async (_, args, message) => {
    const { code, stdout, stderr } = await run(args());
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
    expect(stderr).not.toContain(ALICE_TOKEN);
    expect(stderr).not.toContain(MALLORY_TOKEN);
  });

  it("a token file named by $TOOLBRIDGE_AUTH_TOKENS_FILE is checked the same way", async () => {
    const file = files.write("short.txt", "short-token alice\n");
    const { code, stderr } = await run(["serve"], cleanEnv({ TOOLBRIDGE_AUTH_TOKENS_FILE: file }));
    expect(code).toBe(2);
    expect(stderr).toBe(
      `toolbridge: serve: $TOOLBRIDGE_AUTH_TOKENS_FILE ${file}: line 1: the token is shorter than 16 characters\n`,
    );
  });

  it("the help of serve, tools and call lists the security flags", async () => {
    const serveHelp = await run(["serve", "--help"]);
    for (const flag of [
      "--tls-cert FILE",
      "--auth-tokens FILE",
      "--client-cert-auth",
      "--admin PRINCIPAL",
      "--audit-log FILE|-",
      "--max-sessions N",
    ]) {
      expect(serveHelp.stdout).toContain(flag);
    }
    for (const command of ["tools", "call"]) {
      const help = await run([command, "--help"]);
      expect(help.stdout).toContain("--tls-ca FILE");
      expect(help.stdout).toContain("--token-env VAR");
    }
  });
});
