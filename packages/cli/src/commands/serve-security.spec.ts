import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertificateFiles, certificateFiles } from "../test-support/certificate-files.js";
import { UsageError } from "../usage.js";
import { exposureWarnings, isLoopback, type ServeSecurityValues, serveSecurity } from "./serve-security.js";

let files: CertificateFiles;
let tokens: string;

beforeAll(() => {
  files = certificateFiles();
  tokens = files.write("tokens.txt", "alice-token-0123456789 alice\n");
});

afterAll(() => files.dispose());

const secure = (values: ServeSecurityValues, env: NodeJS.ProcessEnv = {}) => serveSecurity(values, "127.0.0.1", env);

function usageError(values: ServeSecurityValues, env: NodeJS.ProcessEnv = {}): string {
  try {
    secure(values, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("serveSecurity accepted the flags");
}

describe("serveSecurity", () => {
  it("without security flags sets nothing and warns about nothing on loopback", () => {
    expect(secure({})).toEqual({ options: {}, warnings: [] });
  });

  it("reads TLS, mutual TLS, token, certificate-auth, admin, quota and audit flags into host options", () => {
    const audit = join(files.dir, "audit.log");
    const { options, warnings } = secure({
      "tls-cert": files.serverCert,
      "tls-key": files.serverKey,
      "tls-ca": files.ca,
      "require-client-cert": true,
      "auth-tokens": tokens,
      "client-cert-auth": true,
      admin: ["ops", "root"],
      "max-sessions-per-principal": "0",
      "audit-log": audit,
    });
    expect(warnings).toEqual([]);
    expect(options).toEqual({
      tls: {
        cert: readFileSync(files.serverCert, "utf8"),
        key: readFileSync(files.serverKey, "utf8"),
        ca: readFileSync(files.ca, "utf8"),
        requireClientCert: true,
      },
      auth: {
        tokens: { "alice-token-0123456789": "alice" },
        clientCertificates: true,
        admins: ["ops", "root"],
        maxSessionsPerPrincipal: 0,
      },
      audit: { destination: audit },
    });
    expect(secure({ "audit-log": "-" }).options.audit).toEqual({ destination: 2 });
  });

  it("takes the token file from $TOOLBRIDGE_AUTH_TOKENS_FILE when --auth-tokens is absent", () => {
    expect(secure({}, { TOOLBRIDGE_AUTH_TOKENS_FILE: tokens }).options.auth).toEqual({
      tokens: { "alice-token-0123456789": "alice" },
    });
    expect(usageError({}, { TOOLBRIDGE_AUTH_TOKENS_FILE: "/nonexistent/tokens" })).toBe(
      "serve: --auth-tokens /nonexistent/tokens: no such file",
    );
    const bad = files.write("bad-tokens.txt", "alice-token-0123456789 alice\nshorty bob\n");
    expect(usageError({}, { TOOLBRIDGE_AUTH_TOKENS_FILE: bad })).toBe(
      `serve: $TOOLBRIDGE_AUTH_TOKENS_FILE ${bad}: line 2: the token is shorter than 16 characters`,
    );
  });

  it.each<[string, () => ServeSecurityValues, string | RegExp | (() => string)]>([
    [
      "cert without key",
      () => ({ "tls-cert": files.serverCert }),
      "serve: --tls-cert needs --tls-key FILE (the certificate's private key)",
    ],
    ["key without cert", () => ({ "tls-key": files.serverKey }), "serve: --tls-key needs --tls-cert FILE"],
    ["CA without cert", () => ({ "tls-ca": files.ca }), "serve: --tls-ca needs --tls-cert FILE"],
    [
      "client certificates without a CA",
      () => ({ "tls-cert": files.serverCert, "tls-key": files.serverKey, "require-client-cert": true }),
      "serve: --require-client-cert needs --tls-ca FILE to verify client certificates with",
    ],
    [
      "a missing certificate file",
      () => ({ "tls-cert": "/nonexistent/cert.pem", "tls-key": files.serverKey }),
      "serve: --tls-cert /nonexistent/cert.pem: no such file",
    ],
    [
      "a directory as certificate",
      () => ({ "tls-cert": files.dir, "tls-key": files.serverKey }),
      () => `serve: --tls-cert ${files.dir}: is a directory`,
    ],
    [
      "a key as certificate",
      () => ({ "tls-cert": files.serverKey, "tls-key": files.serverKey }),
      () => `serve: --tls-cert ${files.serverKey}: not a PEM certificate`,
    ],
    [
      "a certificate as key",
      () => ({ "tls-cert": files.serverCert, "tls-key": files.serverCert }),
      () => `serve: --tls-key ${files.serverCert}: not an unencrypted PEM private key`,
    ],
    [
      "another certificate's key",
      () => ({ "tls-cert": files.serverCert, "tls-key": files.clientKey }),
      () => `serve: --tls-key ${files.clientKey} is not the private key of the --tls-cert certificate`,
    ],
    [
      "certificate auth without mutual TLS",
      () => ({ "client-cert-auth": true }),
      /^serve: --client-cert-auth needs --require-client-cert/,
    ],
    [
      "admins without authentication",
      () => ({ admin: ["ops"] }),
      "serve: --admin needs --auth-tokens FILE or --client-cert-auth",
    ],
    [
      "a session quota without authentication",
      () => ({ "max-sessions-per-principal": "5" }),
      "serve: --max-sessions-per-principal needs --auth-tokens FILE or --client-cert-auth",
    ],
    [
      "a bad session quota",
      () => ({ "auth-tokens": tokens, "max-sessions-per-principal": "-1" }),
      'serve: --max-sessions-per-principal must be a whole number >= 0, got "-1"',
    ],
    [
      "an audit log in a missing directory",
      () => ({ "audit-log": "/nonexistent/dir/audit.log" }),
      "serve: --audit-log /nonexistent/dir/audit.log: cannot append: no such file",
    ],
  ])("refuses %s", (_, values, message) => {
    const text = usageError(values());
    if (message instanceof RegExp) expect(text).toMatch(message);
    else expect(text).toBe(typeof message === "function" ? message() : message);
  });
});

describe("exposureWarnings", () => {
  const tls = { cert: "c", key: "k" };
  const auth = { tokens: { "alice-token-0123456789": "alice" } };

  it("warns when a host reachable from other machines lacks TLS or authentication", () => {
    expect(exposureWarnings("0.0.0.0", {}, undefined)).toEqual([
      "serving on 0.0.0.0 without TLS: calls, results and tokens cross the network in clear text",
      "serving on 0.0.0.0 without authentication: anyone who reaches the port may call every tool",
    ]);
    expect(exposureWarnings("::", { tls }, undefined)).toEqual([
      "serving on :: without authentication: anyone who reaches the port may call every tool",
    ]);
    expect(exposureWarnings("10.1.2.3", { auth }, undefined)).toHaveLength(1);
    expect(exposureWarnings("0.0.0.0", { tls, auth }, undefined)).toEqual([]);
    expect(exposureWarnings("127.0.0.1", {}, undefined)).toEqual([]);
  });

  it("warns when other users can read the token file", () => {
    const path = files.write("shared-tokens.txt", "alice-token-0123456789 alice\n");
    expect(exposureWarnings("127.0.0.1", { auth }, path)).toEqual([]);
    chmodSync(path, 0o644);
    expect(exposureWarnings("127.0.0.1", { auth }, path)).toEqual([
      `the token file ${path} is readable by other users (mode 644): chmod 600 it`,
    ]);
  });
});

describe("isLoopback", () => {
  it("knows loopback addresses from the rest", () => {
    for (const address of [
      "127.0.0.1",
      "127.8.9.10",
      "localhost",
      "LOCALHOST",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
    ]) {
      expect(isLoopback(address), address).toBe(true);
    }
    for (const address of ["0.0.0.0", "::", "192.168.1.2", "::2", "example.com", "128.0.0.1", ""]) {
      expect(isLoopback(address), address).toBe(false);
    }
  });
});
