import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  bridgeServiceDefinition,
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  ServingStatus,
} from "@toolbridge/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultProxy } from "./fault-proxy.js";

let server: grpc.Server;
let proxy: FaultProxy;
let client: grpc.Client & Record<string, grpc.requestCallback<unknown> | ((...args: unknown[]) => unknown)>;
let healthChecks = 0;

function healthCheck(options: { waitForReady?: boolean } = {}): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => {
    const call = client.HealthCheck as (
      request: unknown,
      options: grpc.CallOptions,
      callback: (error: grpc.ServiceError | null, response: HealthCheckResponse) => void,
    ) => void;
    call.call(
      client,
      create(HealthCheckRequestSchema),
      { deadline: Date.now() + 10_000, waitForReady: options.waitForReady ?? false },
      (error, response) => (error ? reject(error) : resolve(response)),
    );
  });
}

beforeEach(async () => {
  healthChecks = 0;
  server = new grpc.Server();
  // Only HealthCheck is implemented; grpc-js answers the other methods UNIMPLEMENTED.
  server.addService(bridgeServiceDefinition, {
    HealthCheck: (_call: unknown, callback: grpc.sendUnaryData<HealthCheckResponse>) => {
      healthChecks += 1;
      callback(null, create(HealthCheckResponseSchema, { status: ServingStatus.SERVING, version: "fault-proxy-test" }));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  proxy = await FaultProxy.start({ name: "grpc", upstream: `127.0.0.1:${port}` });
  const BridgeClient = grpc.makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");
  // Short reconnect backoff so the client retries promptly once the fault is gone.
  client = new BridgeClient(proxy.address, grpc.credentials.createInsecure(), {
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 300,
  }) as typeof client;
});

afterEach(async () => {
  client.close();
  await proxy.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

describe("FaultProxy between a grpc-js client and server", () => {
  it("reset_peer makes calls fail UNAVAILABLE, and the client reconnects once it is removed", async () => {
    expect((await healthCheck()).status).toBe(ServingStatus.SERVING);
    expect(proxy.connections).toBe(1);
    const acceptedBefore = proxy.acceptedConnections;

    // Resets the open HTTP/2 connection at once, and every new one as soon as it is accepted.
    proxy.addToxic({ name: "cut", type: "reset_peer", attributes: { timeout: 0 } });
    await expect(healthCheck()).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const servedDuringFault = healthChecks;

    proxy.removeToxic("cut");
    expect((await healthCheck({ waitForReady: true })).status).toBe(ServingStatus.SERVING);
    expect(healthChecks).toBe(servedDuringFault + 1);
    expect(proxy.acceptedConnections).toBeGreaterThan(acceptedBefore);
  });

  it("a blackhole on a live HTTP/2 connection stalls calls until removed, then they complete", async () => {
    expect((await healthCheck()).status).toBe(ServingStatus.SERVING);
    proxy.addToxic({ name: "partition", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    const pending = healthCheck();
    let settled = false;
    void pending.finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    expect(healthChecks).toBe(1);
    proxy.removeToxic("partition");
    expect((await pending).status).toBe(ServingStatus.SERVING);
    expect(healthChecks).toBe(2);
    expect(proxy.acceptedConnections).toBe(1);
  });
});
