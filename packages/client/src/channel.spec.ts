import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { DEFAULT_LIMITS, InitializeSessionResponseSchema } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelOptions } from "./channel.js";
import { ToolBridge, ToolCommunicationError } from "./index.js";
import { type ScriptedServer, startScriptedServer } from "./test-support/scripted-server.js";

// TLS, mutual TLS and the bearer token against a grpc-js server that
// requires a client certificate; certificates are made by openssl per run.

interface Pki {
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
}

function makePki(dir: string): Pki {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=test-ca",
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  for (const name of ["server", "client"]) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      "san.ext",
    );
  }
  const read = (file: string) => readFileSync(join(dir, file));
  return {
    ca: read("ca.pem"),
    serverCert: read("server.pem"),
    serverKey: read("server.key"),
    clientCert: read("client.pem"),
    clientKey: read("client.key"),
  };
}

let dir: string;
let pki: Pki;
let server: ScriptedServer;
const seenAuthorization: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "toolbridge-pki-"));
  pki = makePki(dir);
  server = await startScriptedServer(
    {
      InitializeSession(call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
        seenAuthorization.push(String(call.metadata.get("authorization")[0] ?? ""));
        callback(null, create(InitializeSessionResponseSchema, { success: true }));
      },
    },
    {
      credentials: ServerCredentials.createSsl(
        pki.ca,
        [{ cert_chain: pki.serverCert, private_key: pki.serverKey }],
        true,
      ),
    },
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("channel security", () => {
  it("connects with mutual TLS and sends the bearer token", async () => {
    const bridge = new ToolBridge(server.address, {
      tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey, serverName: "localhost" },
      authToken: "s3cret",
    });
    await bridge.initialize("secure");
    await bridge.close();
    expect(seenAuthorization.at(-1)).toBe("Bearer s3cret");
  });

  it("fails with UNAVAILABLE without a client certificate", async () => {
    const bridge = new ToolBridge(server.address, {
      tls: { ca: pki.ca, serverName: "localhost" },
      retry: false,
      timeoutMs: 5_000,
    });
    const error = await bridge.initialize("no-cert").catch((e: unknown) => e);
    await bridge.close();
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect((error as ToolCommunicationError).code).toBe("UNAVAILABLE");
  });

  it("fails with UNAVAILABLE when the server certificate is not trusted", async () => {
    const bridge = new ToolBridge(server.address, {
      tls: { cert: pki.clientCert, key: pki.clientKey, ca: pki.clientCert, serverName: "localhost" },
      retry: false,
      timeoutMs: 5_000,
    });
    const error = await bridge.initialize("untrusted").catch((e: unknown) => e);
    await bridge.close();
    expect((error as ToolCommunicationError).code).toBe("UNAVAILABLE");
  });
});

describe("channel options", () => {
  it("default to toolbridge's limits, and caller options win", () => {
    const defaults = channelOptions({});
    expect(defaults["grpc-node.flow_control_window"]).toBe(DEFAULT_LIMITS.clientFlowControlWindowBytes);
    expect(defaults["grpc.max_send_message_length"]).toBeGreaterThan(DEFAULT_LIMITS.maxMessageBytes);
    expect(defaults["grpc.keepalive_time_ms"]).toBe(DEFAULT_LIMITS.keepaliveTimeMs);
    expect(channelOptions({ channelOptions: { "grpc.keepalive_time_ms": 1000 } })["grpc.keepalive_time_ms"]).toBe(1000);
  });
});
