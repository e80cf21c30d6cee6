import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertificateFiles, certificateFiles } from "../test-support/certificate-files.js";
import { UsageError } from "../usage.js";
import { type ClientSecurityValues, clientSecurity } from "./client-security.js";

let files: CertificateFiles;

beforeAll(() => {
  files = certificateFiles();
});

afterAll(() => files.dispose());

const TOKEN = "alice-token-0123456789";

function usageError(values: ClientSecurityValues, env: NodeJS.ProcessEnv = {}): string {
  try {
    clientSecurity("call", values, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("clientSecurity accepted the flags");
}

describe("clientSecurity", () => {
  it("is plaintext without a token by default", () => {
    expect(clientSecurity("call", {}, {})).toEqual({});
  });

  it("reads the CA, the client certificate and the server name for TLS", () => {
    expect(clientSecurity("call", { tls: true }, {})).toEqual({ tls: {} });
    expect(
      clientSecurity(
        "call",
        {
          "tls-ca": files.ca,
          "tls-cert": files.clientCert,
          "tls-key": files.clientKey,
          "tls-server-name": "localhost",
        },
        {},
      ),
    ).toEqual({
      tls: {
        ca: readFileSync(files.ca, "utf8"),
        cert: readFileSync(files.clientCert, "utf8"),
        key: readFileSync(files.clientKey, "utf8"),
        serverName: "localhost",
      },
    });
  });

  it("takes the bearer token from $TOOLBRIDGE_TOKEN, or the variable --token-env names", () => {
    expect(clientSecurity("call", {}, { TOOLBRIDGE_TOKEN: TOKEN })).toEqual({ authToken: TOKEN });
    expect(clientSecurity("call", { "token-env": "MY_TOKEN" }, { MY_TOKEN: TOKEN, TOOLBRIDGE_TOKEN: "other" })).toEqual(
      {
        authToken: TOKEN,
      },
    );
    expect(clientSecurity("call", {}, { TOOLBRIDGE_TOKEN: "" })).toEqual({});
  });

  it("refuses a --token-env variable that is not set, and a token that cannot be sent, without quoting it", () => {
    expect(usageError({ "token-env": "MY_TOKEN" })).toBe("call: --token-env MY_TOKEN: that variable is not set");
    const message = usageError({}, { TOOLBRIDGE_TOKEN: `${TOKEN} trailing` });
    expect(message).toBe("call: $TOOLBRIDGE_TOKEN holds characters a bearer token cannot (printable ASCII, no spaces)");
    expect(message).not.toContain(TOKEN);
  });

  it("refuses half a client certificate, unreadable files and a server name without TLS", () => {
    expect(usageError({ "tls-cert": files.clientCert })).toBe(
      "call: --tls-cert needs --tls-key FILE (the certificate's private key)",
    );
    expect(usageError({ "tls-key": files.clientKey })).toBe("call: --tls-key needs --tls-cert FILE");
    expect(usageError({ "tls-ca": "/nonexistent/ca.pem" })).toBe("call: --tls-ca /nonexistent/ca.pem: no such file");
    expect(usageError({ "tls-cert": files.clientCert, "tls-key": files.serverKey })).toBe(
      `call: --tls-key ${files.serverKey} is not the private key of the --tls-cert certificate`,
    );
    expect(usageError({ "tls-server-name": "localhost" })).toBe("call: --tls-server-name needs --tls or --tls-ca FILE");
  });
});
