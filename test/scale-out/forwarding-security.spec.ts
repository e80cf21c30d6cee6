// Issues 12 and 13: hosts with TLS, mutual TLS and bearer tokens forward calls
// to each other over TLS, signed with the cluster secret and on behalf of the
// original caller; forged, replayed and wrongly signed marks are refused and
// audited, and session ownership still holds on the host that runs the tool.
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { type ChannelCredentials, credentials, Metadata, status } from "@grpc/grpc-js";
import {
  decodeValue,
  ExecuteToolRequestSchema,
  type ExecuteToolResponse,
  encodeValue,
  StreamToolRequestSchema,
  type StreamToolResponse,
} from "@toolbridge/protocol";
import { generateTestCertificates, type Pem, type TestCertificates } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ClusterOptions } from "../../packages/host/src/cluster/cluster.js";
import { ForwardingKeys } from "../../packages/host/src/cluster/forwarded-mark.js";
import { FORWARDED_BY_HEADER } from "../../packages/host/src/cluster/header.js";
import { createHost, type HostOptions } from "../../packages/host/src/host.js";
import { expectGrpcFailure, type TestClient, testClient } from "../../packages/host/src/testing/client.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import { type Started, startHost } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { type RedisServer, startRedis } from "./redis-server.js";

const SECRET = "forwarding-test-secret-0123456789abcdef";
const WRONG_SECRET = "some-other-secret-0123456789abcdefghij";
const ALICE = "alice-token-0123456789";
const BOB = "bob-token-0123456789ab";
const SESSION = "alice-only";

let executions = 0;
const whoami = (host: string) =>
  defineTool({
    name: "whoami",
    input: z.object({}),
    handler: async (_args, ctx) => {
      executions++;
      return { host, requestId: ctx.requestId };
    },
  });
const countdown = defineTool({
  name: "countdown",
  input: z.object({ from: z.number() }),
  handler: async function* ({ from }) {
    for (let i = from; i > 0; i--) yield i;
  },
});

/** The audit events one host wrote. */
function auditSink() {
  const events: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) events.push(JSON.parse(line));
      done();
    },
  });
  return { stream, events };
}

let certs: TestCertificates;
/** Client certificate of end users (the hosts require one from the test CA). */
let user: Pem;
/** Client certificate the hosts present to each other (clientAuth, unlike the server certificate). */
let peer: Pem;
let redis: RedisServer;
let owner: Started;
let relay: Started;
const audits = new Map<string, ReturnType<typeof auditSink>>();
const started: Started[] = [];
const clients: TestClient[] = [];

function hostOptions(name: string, cluster: Partial<ClusterOptions> = {}): HostOptions {
  const audit = auditSink();
  audits.set(name, audit);
  return {
    store: redis.url,
    tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true },
    auth: { tokens: { [ALICE]: "alice", [BOB]: "bob" } },
    audit: { destination: audit.stream },
    cluster: { hostId: name, heartbeatMs: 200, secret: SECRET, tls: { cert: peer.cert, key: peer.key }, ...cluster },
  };
}

async function start(name: string, cluster: Partial<ClusterOptions> = {}): Promise<Started> {
  const host = await startHost(hostOptions(name, cluster));
  started.push(host);
  return host;
}

/** A client of `host` over mutual TLS, sending `token` (if any) on every call. */
function clientOf(host: Started, token?: string, cert: Pem = user): TestClient {
  const tls = credentials.createSsl(Buffer.from(certs.ca), Buffer.from(cert.key), Buffer.from(cert.cert));
  const channel: ChannelCredentials = token
    ? credentials.combineChannelCredentials(
        tls,
        credentials.createFromMetadataGenerator((_params, done) => {
          const metadata = new Metadata();
          metadata.set("authorization", `Bearer ${token}`);
          done(null, metadata);
        }),
      )
    : tls;
  const client = testClient(host.host.address, {}, channel);
  clients.push(client);
  return client;
}

/** ExecuteTool with a forwarded-call mark of the caller's choosing. */
function executeMarked(
  client: TestClient,
  request: { sessionId: string; toolId: string; requestId: string },
  mark: string,
): Promise<ExecuteToolResponse> {
  const metadata = new Metadata();
  metadata.set(FORWARDED_BY_HEADER, mark);
  const raw = client.raw as unknown as Record<string, (...args: unknown[]) => unknown>;
  return new Promise((resolve, reject) =>
    raw.ExecuteTool?.call(
      client.raw,
      create(ExecuteToolRequestSchema, request),
      metadata,
      (error: unknown, response: ExecuteToolResponse) => (error ? reject(error) : resolve(response)),
    ),
  );
}

const eventsOf = (name: string, event: string) => must(audits.get(name)).events.filter((e) => e.event === event);

beforeAll(async () => {
  certs = generateTestCertificates();
  user = certs.client("end-user");
  peer = certs.client("toolbridge-host");
  redis = await startRedis();
  owner = await start("owner");
  relay = await start("relay");
  await clientOf(relay, ALICE).unary("initializeSession", { sessionId: SESSION });
  await owner.host.registerSessionTools(SESSION, [whoami("owner"), countdown]);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(started.map((h) => h.stop()));
  await redis?.stop();
  certs?.dispose();
});

describe("forwarding between secured hosts", () => {
  it("a call through another host runs on the owner, over mutual TLS, as the same caller", async () => {
    const alice = clientOf(relay, ALICE);
    executions = 0;
    const response = await alice.unary("executeTool", { sessionId: SESSION, toolId: "whoami", requestId: "tls-1" });
    expect(response.success).toBe(true);
    expect(decodeValue(must(response.result))).toEqual({ host: "owner", requestId: "tls-1" });
    expect(executions).toBe(1);

    const chunks = await alice.collect("streamTool", {
      sessionId: SESSION,
      toolId: "countdown",
      kwargs: { from: encodeValue(3) },
    });
    const data = chunks.filter((c) => c.content.case === "data").map((c) => decodeValue(c.content.value as never));
    expect(data).toEqual([3, 2, 1]);
    expect((chunks.at(-1) as StreamToolResponse).content.case).toBe("complete");
    // The owner accepted both forwarded calls without complaint.
    expect(eventsOf("owner", "auth_failed")).toEqual([]);
  });

  it("another client cannot reach the session through a host that does not run its tools", async () => {
    const bob = clientOf(relay, BOB);
    const failure = await expectGrpcFailure(
      bob.unary("executeTool", { sessionId: SESSION, toolId: "whoami", requestId: "bob-1" }),
    );
    expect(failure.code).toBe(status.PERMISSION_DENIED);
    expect(failure.info?.type).toBe("PermissionDenied");
    expect(eventsOf("relay", "access_denied")).toContainEqual(
      expect.objectContaining({ principal: "bob", sessionId: SESSION, method: "ExecuteTool" }),
    );
  });

  it("the owner checks the session against the forwarded caller, even with a valid signature", async () => {
    // The test plays a host that knows the secret: alice's call goes through, bob's is denied by the owner.
    const keys = new ForwardingKeys([SECRET]);
    const asHost = clientOf(owner, undefined, peer);
    const call = (requestId: string) => ({ method: "ExecuteTool", sessionId: SESSION, toolId: "whoami", requestId });
    const allowed = await executeMarked(
      asHost,
      { sessionId: SESSION, toolId: "whoami", requestId: "own-1" },
      keys.sign("some-host", call("own-1"), "alice"),
    );
    expect(allowed.success).toBe(true);

    const denied = await expectGrpcFailure(
      executeMarked(
        asHost,
        { sessionId: SESSION, toolId: "whoami", requestId: "own-2" },
        keys.sign("some-host", call("own-2"), "bob"),
      ),
    );
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(eventsOf("owner", "access_denied")).toContainEqual(
      expect.objectContaining({ principal: "bob", sessionId: SESSION }),
    );
    // A mark without a caller (a forwarding host without auth) does not get past an owner with auth.
    const anonymous = await expectGrpcFailure(
      executeMarked(
        asHost,
        { sessionId: SESSION, toolId: "whoami", requestId: "own-3" },
        keys.sign("some-host", call("own-3"), undefined),
      ),
    );
    expect(anonymous.code).toBe(status.UNAUTHENTICATED);
  });

  it("a client forging, replaying or wrongly signing the forwarded mark is refused and audited", async () => {
    const alice = clientOf(owner, ALICE);
    const request = (requestId: string) => ({ sessionId: SESSION, toolId: "whoami", requestId });
    const call = (requestId: string) => ({ method: "ExecuteTool", ...request(requestId) });
    const before = eventsOf("owner", "auth_failed").length;
    executions = 0;

    const cases: [string, string, string][] = [
      ["guessed", "owner guessed-secret", "malformed"],
      ["wrong-key", new ForwardingKeys([WRONG_SECRET]).sign("relay", call("wrong-key"), "alice"), "bad_signature"],
      // A genuine mark copied from another call.
      ["replayed", new ForwardingKeys([SECRET]).sign("relay", call("original"), "alice"), "bad_signature"],
      // A genuine mark of the right call, too old.
      [
        "stale",
        new ForwardingKeys([SECRET], 30_000, () => Date.now() - 120_000).sign("relay", call("stale"), "alice"),
        "expired",
      ],
    ];
    for (const [requestId, mark, reason] of cases) {
      const failure = await expectGrpcFailure(executeMarked(alice, request(requestId), mark));
      expect(failure.code, requestId).toBe(status.UNAUTHENTICATED);
      expect(failure.info, requestId).toMatchObject({ type: "Unauthenticated", details: { reason } });
    }
    // Streams are checked the same way.
    const streamMetadata = new Metadata();
    streamMetadata.set(FORWARDED_BY_HEADER, "owner guessed-secret");
    const raw = alice.raw as unknown as Record<string, (...args: unknown[]) => AsyncIterable<unknown>>;
    const stream = must(raw.StreamTool).call(
      alice.raw,
      create(StreamToolRequestSchema, { sessionId: SESSION, toolId: "countdown", kwargs: { from: encodeValue(2) } }),
      streamMetadata,
    );
    const streamFailure = await expectGrpcFailure(
      (async () => {
        for await (const _chunk of stream) throw new Error("a forged stream must not yield");
      })(),
    );
    expect(streamFailure.code).toBe(status.UNAUTHENTICATED);
    // Without a bearer token the forged mark is no way in either.
    const anonymous = clientOf(owner);
    const noToken = await expectGrpcFailure(executeMarked(anonymous, request("no-token"), "owner guessed-secret"));
    expect(noToken.code).toBe(status.UNAUTHENTICATED);

    expect(executions).toBe(0);
    const refused = eventsOf("owner", "auth_failed").slice(before);
    expect(refused).toHaveLength(cases.length + 2);
    expect(refused.map((e) => e.method)).toContain("StreamTool");
    for (const event of refused) {
      expect(event).toMatchObject({ transport: "grpc" });
      expect(String(event.reason)).toMatch(/^forwarded-call mark refused: /);
    }
  });

  it("a host with another cluster secret cannot forward: the owner refuses it, the caller gets an error", async () => {
    const stranger = await start("stranger", { secret: WRONG_SECRET });
    executions = 0;
    const response = await clientOf(stranger, ALICE).unary("executeTool", {
      sessionId: SESSION,
      toolId: "whoami",
      requestId: "stranger-1",
    });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("InternalError");
    expect(response.error?.message).toMatch(/cluster secret/);
    expect(executions).toBe(0);
    expect(eventsOf("owner", "auth_failed")).toContainEqual(
      expect.objectContaining({ reason: expect.stringContaining("claiming host stranger has an invalid signature") }),
    );
  });

  it("between hosts requiring client certificates, a host without a client-auth certificate cannot forward", async () => {
    // No cluster.tls: the host presents its own server certificate, which is not valid for client authentication.
    const { tls: _peerTls, ...withoutPeerCert } = must(hostOptions("no-client-cert").cluster as ClusterOptions);
    const host = await startHost({ ...hostOptions("no-client-cert"), cluster: withoutPeerCert });
    started.push(host);
    const response = await clientOf(host, ALICE).unary("executeTool", {
      sessionId: SESSION,
      toolId: "whoami",
      requestId: "no-cert-1",
    });
    expect(response.success).toBe(false);
    expect(response.error?.type).toBe("Unavailable");
    expect(response.error?.message).toContain("owner");
  });
});

describe("safe default", () => {
  it("a host with tls or auth and a shared Redis store refuses to start without a cluster secret", async () => {
    const { cluster: _cluster, ...secured } = hostOptions("unsafe");
    await expect(createHost({ ...secured, port: 0, logLevel: "silent" })).rejects.toThrow(
      /no cluster secret authenticates them\. Set cluster\.secret/,
    );
    await expect(
      createHost({ ...secured, auth: undefined, port: 0, logLevel: "silent", cluster: { hostId: "unsafe-tls" } }),
    ).rejects.toThrow(/this host has tls/);
    // With forwarding off there is nothing to authenticate: it starts.
    const alone = await createHost({ ...secured, port: 0, logLevel: "silent", cluster: false });
    await alone.close({ graceMs: 100 });
  });
});
