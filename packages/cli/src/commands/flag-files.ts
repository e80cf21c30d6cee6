import { createPrivateKey, X509Certificate } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { UsageError } from "../usage.js";

// Files named by flags (certificates, keys, token tables, the audit log) are read or opened
// while the command line is parsed, so a typo is a usage error naming the flag (exit 2), not a
// failure deep inside grpc-js or pino once the host is half started.

/** The text of the file `--flag FILE` names. */
export function readFlagFile(command: string, flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${command}: --${flag} ${path}: ${fileProblem(error)}`);
  }
}

/** Checks that `--flag FILE` can be appended to (creating it), as the audit log will be. */
export function checkAppendable(command: string, flag: string, path: string): void {
  try {
    closeSync(openSync(path, "a"));
  } catch (error) {
    throw new UsageError(`${command}: --${flag} ${path}: cannot append: ${fileProblem(error)}`);
  }
}

/** A PEM certificate (or a bundle: the first must parse). */
export function readCertificate(command: string, flag: string, path: string): string {
  const pem = readFlagFile(command, flag, path);
  try {
    new X509Certificate(pem);
  } catch {
    throw new UsageError(`${command}: --${flag} ${path}: not a PEM certificate`);
  }
  return pem;
}

/** A PEM private key; with `cert`, it must be that certificate's key. */
export function readPrivateKey(
  command: string,
  flag: string,
  path: string,
  cert?: { flag: string; pem: string },
): string {
  const pem = readFlagFile(command, flag, path);
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(pem);
  } catch {
    // Never the parser's message: it may quote the key.
    throw new UsageError(`${command}: --${flag} ${path}: not an unencrypted PEM private key`);
  }
  if (cert && !new X509Certificate(cert.pem).checkPrivateKey(key)) {
    throw new UsageError(`${command}: --${flag} ${path} is not the private key of the --${cert.flag} certificate`);
  }
  return pem;
}

function fileProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return (error as Error).message;
  }
}
