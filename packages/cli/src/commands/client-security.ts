import type { ToolBridgeOptions } from "@toolbridge/client";
import { UsageError } from "../usage.js";
import { readCertificate, readPrivateKey } from "./flag-files.js";

// How `tools` and `call` reach a secured host: TLS (with a private CA, mutual TLS) and a bearer
// token. The token comes from the environment only: a command line is visible to every user of
// the machine (ps, /proc) and lands in shell history.

export const DEFAULT_TOKEN_ENV = "TOOLBRIDGE_TOKEN";

export const clientSecurityHelp = `Connecting to a secured host (docs/security.md, "From the command line"):
  --tls                  connect over TLS, trusting the system's CAs
  --tls-ca FILE          connect over TLS, trusting the PEM CA(s) in FILE (e.g. a private CA)
  --tls-cert FILE        mutual TLS: this PEM client certificate (with --tls-key; implies --tls)
  --tls-key FILE         the client certificate's PEM private key
  --tls-server-name NAME the name the host's certificate must carry, when --address does not
  --token-env VAR        send the bearer token held in environment variable VAR
                         (default: ${DEFAULT_TOKEN_ENV}, when set); never pass a token as an argument`;

export const clientSecurityFlags = {
  tls: { type: "boolean" },
  "tls-ca": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-server-name": { type: "string" },
  "token-env": { type: "string" },
} as const;

export interface ClientSecurityValues {
  tls?: boolean;
  "tls-ca"?: string;
  "tls-cert"?: string;
  "tls-key"?: string;
  "tls-server-name"?: string;
  "token-env"?: string;
}

export type ClientSecurityOptions = Pick<ToolBridgeOptions, "tls" | "authToken">;

/** The client's tls and authToken from the flags and the environment, every file read and checked. */
export function clientSecurity(
  command: string,
  values: ClientSecurityValues,
  env: NodeJS.ProcessEnv = process.env,
): ClientSecurityOptions {
  const tls = tlsOptions(command, values);
  const authToken = bearerToken(command, values["token-env"], env);
  return { ...(tls === undefined ? {} : { tls }), ...(authToken === undefined ? {} : { authToken }) };
}

function tlsOptions(command: string, values: ClientSecurityValues): ClientSecurityOptions["tls"] {
  const { "tls-ca": caFile, "tls-cert": certFile, "tls-key": keyFile, "tls-server-name": serverName } = values;
  if (certFile === undefined && keyFile !== undefined)
    throw new UsageError(`${command}: --tls-key needs --tls-cert FILE`);
  if (certFile !== undefined && keyFile === undefined) {
    throw new UsageError(`${command}: --tls-cert needs --tls-key FILE (the certificate's private key)`);
  }
  const wanted = values.tls || caFile !== undefined || certFile !== undefined;
  if (!wanted) {
    if (serverName !== undefined) throw new UsageError(`${command}: --tls-server-name needs --tls or --tls-ca FILE`);
    return undefined;
  }
  const cert = certFile === undefined ? undefined : readCertificate(command, "tls-cert", certFile);
  const key =
    keyFile === undefined || cert === undefined
      ? undefined
      : readPrivateKey(command, "tls-key", keyFile, { flag: "tls-cert", pem: cert });
  return {
    ...(caFile === undefined ? {} : { ca: readCertificate(command, "tls-ca", caFile) }),
    ...(cert === undefined || key === undefined ? {} : { cert, key }),
    ...(serverName === undefined ? {} : { serverName }),
  };
}

/** The token in `--token-env VAR`; without the flag, $TOOLBRIDGE_TOKEN if set. */
function bearerToken(command: string, variable: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const name = variable ?? DEFAULT_TOKEN_ENV;
  const token = env[name];
  if (token === undefined || token === "") {
    if (variable !== undefined) throw new UsageError(`${command}: --token-env ${variable}: that variable is not set`);
    return undefined;
  }
  // It is sent as `authorization: Bearer TOKEN`, a metadata value; the token is not quoted back.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`${command}: $${name} holds characters a bearer token cannot (printable ASCII, no spaces)`);
  }
  return token;
}
