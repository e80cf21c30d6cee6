import { create } from "@bufbuild/protobuf";
import { ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { DEFAULT_LIMITS, InitializeSessionResponseSchema } from "@toolbridge/protocol";
import { generateTestCertificates, type Pem, type TestCertificates } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelOptions } from "./channel.js";
import { ToolBridge, ToolCommunicationError } from "./index.js";
import { type ScriptedServer, startScriptedServer } from "./test-support/scripted-server.js";

// TLS, mutual TLS and the bearer token against a grpc-js server that
// requires a client certificate; certificates are made by openssl per run.

let pki: TestCertificates;
let clientPem: Pem;
let server: ScriptedServer;
const seenAuthorization: string[] = [];

beforeAll(async () => {
  pki = generateTestCertificates();
  clientPem = pki.client("client");
  server = await startScriptedServer(
    {
      InitializeSession(call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
        seenAuthorization.push(String(call.metadata.get("authorization")[0] ?? ""));
        callback(null, create(InitializeSessionResponseSchema, { success: true }));
      },
    },
    {
      credentials: ServerCredentials.createSsl(
        Buffer.from(pki.ca),
        [{ cert_chain: Buffer.from(pki.server.cert), private_key: Buffer.from(pki.server.key) }],
        true,
      ),
    },
  );
});

afterAll(async () => {
  await server.close();
  pki.dispose();
});

describe("channel security", () => {
  it("connects with mutual TLS and sends the bearer token", async () => {
    const bridge = new ToolBridge(server.address, {
      tls: { ca: pki.ca, cert: clientPem.cert, key: clientPem.key, serverName: "localhost" },
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
      tls: { cert: clientPem.cert, key: clientPem.key, ca: clientPem.cert, serverName: "localhost" },
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
