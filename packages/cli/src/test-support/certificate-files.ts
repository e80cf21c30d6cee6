import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTestCertificates } from "@toolbridge/testkit";

/** Test certificates (made by openssl for this run) as the PEM files the CLI's flags name. */
export interface CertificateFiles {
  readonly dir: string;
  /** The CA that signed the server and client certificates. */
  readonly ca: string;
  /** A server certificate for 127.0.0.1 and localhost, and its key. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** A client certificate with common name "alice", and its key. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A certificate from another CA: trusted as the only root, the server's certificate does not verify. */
  readonly strangerCa: string;
  /** Writes `text` to a file in the directory (mode 600) and returns its path. */
  write(name: string, text: string): string;
  dispose(): void;
}

export function certificateFiles(): CertificateFiles {
  const certs = generateTestCertificates();
  const dir = mkdtempSync(join(tmpdir(), "toolbridge-cli-certs-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o600);
    return path;
  };
  const alice = certs.client("alice");
  const files: CertificateFiles = {
    dir,
    ca: write("ca.pem", certs.ca),
    serverCert: write("server.pem", certs.server.cert),
    serverKey: write("server.key", certs.server.key),
    clientCert: write("alice.pem", alice.cert),
    clientKey: write("alice.key", alice.key),
    strangerCa: write("stranger-ca.pem", certs.stranger.cert),
    write,
    dispose: () => {
      certs.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return files;
}
