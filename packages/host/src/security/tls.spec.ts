import { request as httpsRequest } from "node:https";
import { ToolBridge, ToolBridgeError } from "@toolbridge/client";
import { generateTestCertificates, type Pem, type TestCertificates } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHost, type Host, type HostOptions } from "../host.js";
import { defineTool } from "../tool/define-tool.js";

// TLS and mutual TLS on the gRPC port and the gateway, with certificates made
// by openssl for this run.

let certs: TestCertificates;
let alice: Pem;

const echo = defineTool({ name: "echo", input: z.object({ value: z.unknown() }), handler: ({ value }) => value });

beforeAll(() => {
  certs = generateTestCertificates();
  alice = certs.client("alice");
});

afterAll(() => certs.dispose());

async function withHost(options: HostOptions, body: (host: Host) => Promise<void>): Promise<void> {
  const host = await createHost({ port: 0, logLevel: "silent", tools: [echo], httpPort: 0, ...options });
  try {
    await body(host);
  } finally {
    await host.close({ graceMs: 100 });
  }
}

async function callThrough(
  address: string,
  options: ConstructorParameters<typeof ToolBridge>[1],
  id: string,
): Promise<unknown> {
  const bridge = new ToolBridge(address, { timeoutMs: 3000, retry: false, ...options });
  try {
    await bridge.initialize(id);
    return await bridge.callTool("echo", { value: id });
  } finally {
    await bridge.close();
  }
}

function httpsGet(url: string, tls: { ca: string; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${url}/healthz`, { ...tls, servername: "localhost" }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("TLS", () => {
  it("serves gRPC and the gateway over TLS; plaintext and untrusted clients are refused", async () => {
    await withHost({ tls: { cert: certs.server.cert, key: certs.server.key } }, async (host) => {
      expect(await callThrough(host.address, { tls: { ca: certs.ca } }, "tls-ok")).toBe("tls-ok");

      const plaintext = await callThrough(host.address, {}, "plain").catch((e: unknown) => e);
      expect(plaintext).toBeInstanceOf(ToolBridgeError);
      expect(plaintext).toMatchObject({ errorType: "Unavailable" });
      // Trusting only another CA: the server's certificate does not verify.
      const untrusted = await callThrough(host.address, { tls: { ca: certs.stranger.cert } }, "untrusted").catch(
        (e: unknown) => e,
      );
      expect(untrusted).toMatchObject({ errorType: "Unavailable" });

      expect(host.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
      expect(await httpsGet(host.httpUrl as string, { ca: certs.ca })).toBe(200);
    });
  });

  it("mutual TLS: only clients with a certificate from the configured CA get in, on gRPC and the gateway", async () => {
    const tls = { cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true };
    await withHost({ tls }, async (host) => {
      expect(await callThrough(host.address, { tls: { ca: certs.ca, ...alice } }, "mtls-ok")).toBe("mtls-ok");
      const anonymous = await callThrough(host.address, { tls: { ca: certs.ca } }, "anon").catch((e: unknown) => e);
      expect(anonymous).toMatchObject({ errorType: "Unavailable" });
      const stranger = await callThrough(host.address, { tls: { ca: certs.ca, ...certs.stranger } }, "stranger").catch(
        (e: unknown) => e,
      );
      expect(stranger).toMatchObject({ errorType: "Unavailable" });

      const httpsUrl = host.httpUrl as string;
      expect(await httpsGet(httpsUrl, { ca: certs.ca, ...alice })).toBe(200);
      await expect(httpsGet(httpsUrl, { ca: certs.ca })).rejects.toThrow();
    });
  });

  it("with auth.clientCertificates the certificate's common name owns the session; another certificate cannot take it over", async () => {
    const tls = { cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true };
    await withHost({ tls, auth: { clientCertificates: true } }, async (host) => {
      expect(await callThrough(host.address, { tls: { ca: certs.ca, ...alice } }, "owned-by-cn")).toBe("owned-by-cn");
      expect((await host.store.getSession("owned-by-cn")).owner).toBe("alice");
      const bob = certs.client("bob");
      const bridge = new ToolBridge(host.address, { tls: { ca: certs.ca, ...bob }, retry: false, timeoutMs: 3000 });
      try {
        const denied = await bridge.initialize("owned-by-cn").catch((e: unknown) => e);
        expect(denied).toMatchObject({ errorType: "AlreadyExists" });
      } finally {
        await bridge.close();
      }
    });
  });

  it("refuses requireClientCert without a CA to check clients against", async () => {
    await expect(
      createHost({ port: 0, logLevel: "silent", tls: { ...certs.server, requireClientCert: true } }),
    ).rejects.toThrow(/tls.ca/);
  });
});
