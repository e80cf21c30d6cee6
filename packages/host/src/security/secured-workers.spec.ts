// Workers on a host with auth (and TLS): a worker registering tools into a session must
// be allowed to reach it, like any client; workers the host supervises get the host's
// CA and a one-time token, so a secured host can still start them.
import { fileURLToPath } from "node:url";
import { ToolBridge } from "@toolbridge/client";
import { generateTestCertificates, type TestCertificates } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serveWorker } from "../../../client/src/worker/index.js";
import { createHost, type Host } from "../host.js";
import { failure } from "../testing/failure.js";
import { defineTool } from "../tool/define-tool.js";
import { auditCapture, TEST_TOKENS as TOKENS } from "./testing.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const loader = fileURLToPath(new URL("../workers/testing/register.mjs", import.meta.url));

const shoutOptions = {
  input: z.object({ text: z.string() }),
  handler: ({ text }: { text: string }) => text.toUpperCase(),
};
const shout = defineTool({ name: "shout", ...shoutOptions });

describe("RegisterWorkerTools into a session is owner-checked", () => {
  let host: Host;
  const { destination: stream, events: audit } = auditCapture();
  beforeAll(async () => {
    host = await createHost({
      port: 0,
      logLevel: "silent",
      auth: { tokens: TOKENS, admins: ["ops"] },
      audit: { destination: stream },
    });
  });
  afterAll(() => host.close({ graceMs: 100 }));

  it("another principal's worker gets PermissionDenied (audited); the owner's and an admin's are accepted", async () => {
    const alice = new ToolBridge(host.address, { authToken: "alice-token-0123456789", retry: false });
    try {
      await alice.initialize("private-session");
      const denied = await failure(
        serveWorker(host.address, [shout], {
          authToken: "bob-token-0123456789ab",
          sessionId: "private-session",
          supervised: false,
        }),
      );
      expect(denied.code).toBe("PermissionDenied");
      expect(denied.message).not.toMatch(/alice/);
      expect(audit).toContainEqual(
        expect.objectContaining({
          event: "access_denied",
          principal: "bob",
          sessionId: "private-session",
          method: "RegisterWorkerTools",
        }),
      );
      expect((await host.store.listTools("private-session")).map((t) => t.name)).toEqual([]);

      const own = await serveWorker(host.address, [shout], {
        authToken: "alice-token-0123456789",
        sessionId: "private-session",
        supervised: false,
      });
      try {
        expect(await alice.callTool("shout", { text: "mine" })).toBe("MINE");
      } finally {
        await own.close(100);
      }
      const admin = await serveWorker(host.address, [defineTool({ ...shoutOptions, name: "shout_ops" })], {
        authToken: "admin-token-0123456789",
        sessionId: "private-session",
        supervised: false,
      });
      await admin.close(100);
    } finally {
      await alice.close();
    }
  });
});

describe("supervised workers of a host with TLS and auth", () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = generateTestCertificates();
  });
  afterAll(() => certs.dispose());

  it("TypeScript and Python workers the host starts connect with its CA and their one-time token", async () => {
    const host = await createHost({
      port: 0,
      logLevel: "silent",
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca },
      auth: { tokens: TOKENS },
      workers: [
        { command: process.execPath, args: ["--import", loader, `${repo}examples/workers/ts_worker.mjs`], name: "ts" },
        { command: "/usr/bin/python3", args: [`${repo}examples/workers/python_worker.py`], name: "py" },
      ],
      workerOptions: { readyTimeoutMs: 20_000 },
    });
    const bridge = new ToolBridge(host.address, {
      tls: { ca: certs.ca },
      authToken: "alice-token-0123456789",
      retry: false,
    });
    try {
      expect(host.workers.count).toBe(2);
      await bridge.initialize("calls");
      expect(await bridge.callTool("ts_add", { a: 2, b: 3 })).toBe(5);
      expect(await bridge.callTool("add", { a: 4, b: 5 })).toBe(9);
    } finally {
      await bridge.close();
      await host.close({ graceMs: 1_000 });
    }
  }, 60_000);

  it("a supervisor token is good for its own worker stream only, once", async () => {
    const host = await createHost({ port: 0, logLevel: "silent", auth: { tokens: TOKENS } });
    try {
      // A token the host never issued, presented as a worker credential: refused like any bad token.
      const forged = await failure(
        serveWorker(host.address, [shout], { authToken: "0f6c1a4e-5b7d-4c1e-9a1b-2d3e4f5a6b7c", supervised: false }),
      );
      expect(forged.code).toBe("Unauthenticated");
      // An issued one admits exactly one stream (it is spent when the worker says hello).
      host.workers.hub.expect("issued-token-0123456789", {
        id: "w",
        maxRequests: 0,
        onReady: () => {},
        onClosed: () => {},
        onExhausted: () => {},
      });
      const first = await serveWorker(host.address, [shout], {
        authToken: "issued-token-0123456789",
        workerId: "issued-token-0123456789",
        supervised: false,
      });
      expect(first.workerId).toBe("w");
      const again = await failure(
        serveWorker(host.address, [shout], { authToken: "issued-token-0123456789", supervised: false }),
      );
      expect(again.code).toBe("Unauthenticated");
      await first.close(100);
    } finally {
      await host.close({ graceMs: 100 });
    }
  });
});

describe("supervised workers of a host with mutual TLS (workerTls)", () => {
  const WORKER_CN = "toolbridge-worker";
  let certs: TestCertificates;
  let workerCert: { cert: string; key: string };
  beforeAll(() => {
    certs = generateTestCertificates();
    workerCert = certs.client(WORKER_CN);
  });
  afterAll(() => certs.dispose());

  const mtls = () => ({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true });
  const tsWorker = {
    command: process.execPath,
    args: ["--import", loader, `${repo}examples/workers/ts_worker.mjs`],
    name: "ts",
  };
  const pyWorker = { command: "/usr/bin/python3", args: [`${repo}examples/workers/python_worker.py`], name: "py" };
  const callerAs = (host: Host, cn: string, token: string) =>
    new ToolBridge(host.address, { tls: { ca: certs.ca, ...certs.client(cn) }, authToken: token, retry: false });

  it("TypeScript and Python workers connect with the host's worker certificate, serve calls and call back as its principal", async () => {
    const host = await createHost({
      port: 0,
      logLevel: "silent",
      tls: mtls(),
      // The worker certificate's common name is its principal for calls back into the host (tool context);
      // as an admin it reaches the session of whichever caller it serves. No bearer token is handed out.
      auth: { tokens: TOKENS, clientCertificates: true, admins: [WORKER_CN] },
      workerTls: workerCert,
      workers: [tsWorker, pyWorker],
      workerOptions: { readyTimeoutMs: 20_000 },
    });
    const alice = callerAs(host, "alice", "alice-token-0123456789");
    try {
      expect(host.workers.count).toBe(2);
      await alice.initialize("mtls-calls");
      expect(await alice.callTool("ts_add", { a: 2, b: 3 })).toBe(5);
      expect(await alice.callTool("add", { a: 4, b: 5 })).toBe(9);
      expect(await alice.callTool("ts_remember", { name: "from_ts", value: "v1" })).toBe("v1");
      expect(await alice.callTool("remember", { name: "from_py", value: "v2" })).toBe("v2");
    } finally {
      await alice.close();
      await host.close({ graceMs: 1_000 });
    }
  }, 60_000);

  it("calls back into a caller's session are refused when the worker's principal may not reach it", async () => {
    const host = await createHost({
      port: 0,
      logLevel: "silent",
      tls: mtls(),
      auth: { tokens: TOKENS, clientCertificates: true },
      workerTls: workerCert,
      workers: [tsWorker],
      workerOptions: { readyTimeoutMs: 20_000 },
    });
    const alice = callerAs(host, "alice", "alice-token-0123456789");
    try {
      await alice.initialize("not-the-workers");
      expect(await alice.callTool("ts_add", { a: 1, b: 1 })).toBe(2);
      const refused = await failure(alice.callTool("ts_remember", { name: "x", value: "y" }));
      expect(refused.message).toMatch(/permission denied/i);
    } finally {
      await alice.close();
      await host.close({ graceMs: 1_000 });
    }
  }, 60_000);

  it("refuses to start without a worker certificate, naming workerTls and the worker", async () => {
    const started = createHost({ port: 0, logLevel: "silent", tls: mtls(), workers: [tsWorker, pyWorker] });
    await expect(started).rejects.toThrow(TypeError);
    await expect(started).rejects.toThrow(/tls\.requireClientCert.*"ts".*HostOptions\.workerTls/s);
    // A certificate of one worker kind does not cover the other.
    await expect(
      createHost({ port: 0, logLevel: "silent", tls: mtls(), workers: [{ ...tsWorker, tls: workerCert }, pyWorker] }),
    ).rejects.toThrow(/worker "py" needs a client certificate/);
  });

  it("refuses a worker certificate the host would not accept: foreign CA, wrong key, plaintext host", async () => {
    const base = { port: 0, logLevel: "silent" as const, workers: [tsWorker] };
    await expect(createHost({ ...base, tls: mtls(), workerTls: certs.stranger })).rejects.toThrow(
      /workerTls\.cert \(CN=mallory\) is not signed by tls\.ca/,
    );
    await expect(
      createHost({ ...base, tls: mtls(), workerTls: { cert: workerCert.cert, key: certs.stranger.key } }),
    ).rejects.toThrow(/workerTls\.key is not the private key of workerTls\.cert/);
    await expect(createHost({ ...base, tls: mtls(), workers: [{ ...tsWorker, tls: certs.stranger }] })).rejects.toThrow(
      /tls\.cert of worker "ts" \(CN=mallory\) is not signed by tls\.ca/,
    );
    await expect(createHost({ ...base, workerTls: workerCert })).rejects.toThrow(
      /workerTls is set but the host serves without tls/,
    );
  });

  it("the handshake refuses a worker presenting a certificate from another CA", async () => {
    const host = await createHost({ port: 0, logLevel: "silent", tls: mtls() });
    try {
      const refused = await failure(
        serveWorker(host.address, [shout], { tls: { ca: certs.ca, ...certs.stranger }, supervised: false }),
      );
      // A transport failure (the handshake), as for any client the host's mTLS refuses.
      expect(refused.code).toBe("UNAVAILABLE");
      expect(host.workers.count).toBe(0);
      const admitted = await serveWorker(host.address, [shout], {
        tls: { ca: certs.ca, ...workerCert },
        supervised: false,
      });
      expect(host.workers.count).toBe(1);
      await admitted.close(100);
    } finally {
      await host.close({ graceMs: 100 });
    }
  });
});
