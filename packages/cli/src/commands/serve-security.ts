import { statSync } from "node:fs";
import { isIP } from "node:net";
import type { HostOptions } from "@toolbridge/host";
import { UsageError } from "../usage.js";
import { checkAppendable, readCertificate, readFlagFile, readPrivateKey } from "./flag-files.js";
import { parseCount } from "./serve-limits.js";
import { parseTokenFile } from "./token-file.js";

// `serve`'s security flags → HostOptions tls, auth and audit (docs/security.md). Only node:
// built-ins here: serve's startup path stays lean (startup.spec.ts).

export const serveSecurityHelp = `Security (docs/security.md, "From the command line"):
  --tls-cert FILE        serve gRPC and the gateway over TLS with this PEM certificate (with --tls-key)
  --tls-key FILE         the certificate's PEM private key
  --tls-ca FILE          PEM CA(s) that client certificates must chain to (with --require-client-cert)
  --require-client-cert  mutual TLS: refuse clients without a certificate signed by --tls-ca
  --auth-tokens FILE     require a bearer token; FILE maps tokens (16+ characters) to principals:
                         lines of "TOKEN PRINCIPAL" (# comments) or a JSON object {"TOKEN": "PRINCIPAL"}
                         (default: $TOOLBRIDGE_AUTH_TOKENS_FILE). Tokens are never taken on the command line
  --client-cert-auth     authenticate by client certificate: its common name is the principal
                         (needs --require-client-cert; with --auth-tokens, either one admits)
  --admin PRINCIPAL      a principal that may use every session (repeatable; needs authentication)
  --max-sessions-per-principal N
                         live sessions one principal may hold (default 1000; 0: no limit; needs authentication)
  --audit-log FILE|-     append the audit log (JSON lines: sessions, registrations, auth failures,
                         limit hits) to FILE; "-" writes it to stderr (stdout carries the listening line).
                         Lines clients cause are capped at 10 per source a second, the rest counted`;

export const serveSecurityFlags = {
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-ca": { type: "string" },
  "require-client-cert": { type: "boolean" },
  "auth-tokens": { type: "string" },
  "client-cert-auth": { type: "boolean" },
  admin: { type: "string", multiple: true },
  "max-sessions-per-principal": { type: "string" },
  "audit-log": { type: "string" },
} as const;

export interface ServeSecurityValues {
  "tls-cert"?: string;
  "tls-key"?: string;
  "tls-ca"?: string;
  "require-client-cert"?: boolean;
  "auth-tokens"?: string;
  "client-cert-auth"?: boolean;
  admin?: string[];
  "max-sessions-per-principal"?: string;
  "audit-log"?: string;
}

export type ServeSecurityOptions = Pick<HostOptions, "tls" | "auth" | "audit">;

export interface ServeSecurity {
  options: ServeSecurityOptions;
  /** Said in the log once the host listens (exposureWarnings). */
  warnings: string[];
}

/**
 * The host's tls, auth and audit options from the flags, every file read and checked,
 * and what to warn about when the host binds `bindAddress`.
 */
export function serveSecurity(
  values: ServeSecurityValues,
  bindAddress: string,
  env: NodeJS.ProcessEnv = process.env,
): ServeSecurity {
  const tls = tlsOptions(values);
  const tokenFile = values["auth-tokens"] ?? (env.TOOLBRIDGE_AUTH_TOKENS_FILE || undefined);
  const auth = authOptions(values, tls, tokenFile);
  const audit = auditOptions(values["audit-log"]);
  const options = { ...(tls ? { tls } : {}), ...(auth ? { auth } : {}), ...(audit ? { audit } : {}) };
  return { options, warnings: exposureWarnings(bindAddress, options, tokenFile) };
}

function tlsOptions(values: ServeSecurityValues): HostOptions["tls"] {
  const { "tls-cert": certFile, "tls-key": keyFile, "tls-ca": caFile } = values;
  if (certFile === undefined) {
    const stray = keyFile !== undefined ? "--tls-key" : caFile !== undefined ? "--tls-ca" : undefined;
    if (stray) throw new UsageError(`serve: ${stray} needs --tls-cert FILE`);
    if (values["require-client-cert"])
      throw new UsageError("serve: --require-client-cert needs --tls-cert and --tls-key");
    return undefined;
  }
  if (keyFile === undefined)
    throw new UsageError("serve: --tls-cert needs --tls-key FILE (the certificate's private key)");
  if (values["require-client-cert"] && caFile === undefined) {
    throw new UsageError("serve: --require-client-cert needs --tls-ca FILE to verify client certificates with");
  }
  const cert = readCertificate("serve", "tls-cert", certFile);
  const key = readPrivateKey("serve", "tls-key", keyFile, { flag: "tls-cert", pem: cert });
  return {
    cert,
    key,
    ...(caFile === undefined ? {} : { ca: readCertificate("serve", "tls-ca", caFile) }),
    ...(values["require-client-cert"] ? { requireClientCert: true } : {}),
  };
}

function authOptions(
  values: ServeSecurityValues,
  tls: HostOptions["tls"],
  tokenFile: string | undefined,
): NonNullable<HostOptions["auth"]> | undefined {
  const flag = values["auth-tokens"] === undefined ? "$TOOLBRIDGE_AUTH_TOKENS_FILE" : "--auth-tokens";
  const clientCertificates = values["client-cert-auth"] ?? false;
  if (clientCertificates && !tls?.requireClientCert) {
    throw new UsageError(
      "serve: --client-cert-auth needs --require-client-cert (and --tls-cert, --tls-key, --tls-ca): the host asks for certificates only then",
    );
  }
  const admins = values.admin ?? [];
  const perPrincipal = values["max-sessions-per-principal"];
  if (tokenFile === undefined && !clientCertificates) {
    const stray =
      admins.length > 0 ? "--admin" : perPrincipal !== undefined ? "--max-sessions-per-principal" : undefined;
    if (stray) throw new UsageError(`serve: ${stray} needs --auth-tokens FILE or --client-cert-auth`);
    return undefined;
  }
  if (admins.some((admin) => admin.trim() === "")) throw new UsageError("serve: --admin needs a principal's name");
  return {
    ...(perPrincipal === undefined
      ? {}
      : { maxSessionsPerPrincipal: parseCount("serve", "max-sessions-per-principal", perPrincipal, 0) }),
    ...(tokenFile === undefined
      ? {}
      : { tokens: parseTokenFile(readFlagFile("serve", "auth-tokens", tokenFile), `serve: ${flag} ${tokenFile}`) }),
    ...(clientCertificates ? { clientCertificates } : {}),
    ...(admins.length > 0 ? { admins } : {}),
  };
}

function auditOptions(destination: string | undefined): HostOptions["audit"] {
  if (destination === undefined) return undefined;
  if (destination === "-") return { destination: 2 };
  checkAppendable("serve", "audit-log", destination);
  return { destination };
}

/**
 * What `serve` warns about once listening: a host reachable from other machines without TLS
 * (tokens and data in clear text) or without authentication (anyone may call every tool),
 * and a token file other users can read.
 */
export function exposureWarnings(
  bindAddress: string,
  security: ServeSecurityOptions,
  tokenFile: string | undefined,
): string[] {
  const warnings: string[] = [];
  if (!isLoopback(bindAddress)) {
    if (!security.tls) {
      warnings.push(`serving on ${bindAddress} without TLS: calls, results and tokens cross the network in clear text`);
    }
    if (!security.auth) {
      warnings.push(
        `serving on ${bindAddress} without authentication: anyone who reaches the port may call every tool`,
      );
    }
  }
  if (tokenFile !== undefined) {
    const mode = statSync(tokenFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      warnings.push(`the token file ${tokenFile} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`);
    }
  }
  return warnings;
}

/** 127.0.0.0/8, ::1 and localhost; anything else (0.0.0.0, ::, a LAN address, a name) may be reached from outside. */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  const v4 = bare.replace(/^::ffff:/, "");
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return isIP(bare) === 6 && /^(0{0,4}:){2,7}0{0,3}1$/.test(bare);
}
