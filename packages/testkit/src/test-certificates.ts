// Test helper: a throwaway CA, a server certificate for 127.0.0.1/localhost and
// client certificates (plus one from a foreign CA), made with the openssl CLI in
// a temporary directory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Pem {
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificates {
  readonly ca: string;
  readonly server: Pem;
  /** A client certificate signed by the same CA, common name `cn`. */
  client(cn: string): Pem;
  /** A client certificate from a different CA (must be refused). */
  readonly stranger: Pem;
  dispose(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function issue(dir: string, name: string, cn: string, caName: string, extensions?: string): Pem {
  openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${cn}`,
  ]);
  const args = [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${caName}.crt`,
    "-CAkey",
    `${caName}.key`,
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "1",
    "-sha256",
  ];
  if (extensions) {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    args.push("-extfile", `${name}.ext`);
  }
  openssl(dir, args);
  return { cert: readFileSync(join(dir, `${name}.crt`), "utf8"), key: readFileSync(join(dir, `${name}.key`), "utf8") };
}

function makeCa(dir: string, name: string): string {
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "1",
    "-subj",
    `/CN=${name}`,
  ]);
  return readFileSync(join(dir, `${name}.crt`), "utf8");
}

export function generateTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "toolbridge-certs-"));
  const ca = makeCa(dir, "test-ca");
  const server = issue(
    dir,
    "server",
    "localhost",
    "test-ca",
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  makeCa(dir, "other-ca");
  const stranger = issue(dir, "stranger", "mallory", "other-ca", "extendedKeyUsage=clientAuth\n");
  let n = 0;
  return {
    ca,
    server,
    stranger,
    client: (cn) => issue(dir, `client-${n++}`, cn, "test-ca", "extendedKeyUsage=clientAuth\n"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
