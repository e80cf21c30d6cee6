// HTTP/2 concurrent streams per connection are capped (grpc.max_concurrent_streams):
// a client opening more than the cap on one connection has the rest queued by its
// HTTP/2 layer, each call still succeeds, and the host never runs more at once.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_MAX_CONCURRENT_STREAMS, type HostOptions } from "../host.js";
import { testClient } from "../testing/client.js";
import { deferred, until } from "../testing/deferred.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

let started: Started | undefined;
afterEach(async () => {
  await started?.stop();
  started = undefined;
});

/** Opens `streams` StreamTool calls on one connection, all held open until the host runs as many as it will. */
async function openMany(options: HostOptions, streams: number, expectedAtOnce: number) {
  let running = 0;
  let most = 0;
  const gate = deferred();
  const hold = defineTool({
    name: "hold",
    input: z.object({}),
    async *handler() {
      running++;
      most = Math.max(most, running);
      await gate.promise;
      running--;
      yield "done";
    },
  });
  started = await startHost({ tools: [hold], ...options });
  const { client } = started;
  await client.unary("initializeSession", { sessionId: "s" });
  const calls = Array.from({ length: streams }, () =>
    client.collect("streamTool", { sessionId: "s", toolId: "hold" }).then(
      () => "ok",
      (error: unknown) => String(error),
    ),
  );
  await until(() => running >= expectedAtOnce);
  // The host stays healthy meanwhile: a probe on a second connection (grpc-js would
  // share the first one between clients with the same options) is served.
  const probe = testClient(started.host.address, { "grpc.use_local_subchannel_pool": 1 });
  const health = await probe.unary("healthCheck", {});
  probe.close();
  gate.resolve();
  const outcomes = await Promise.all(calls);
  return { most, health, outcomes };
}

describe("HTTP/2 streams per connection", () => {
  it("with maxConcurrentStreams 8, 24 streams on one connection run at most 8 at once and all succeed", async () => {
    const { most, health, outcomes } = await openMany({ maxConcurrentStreams: 8 }, 24, 8);
    expect(most).toBe(8);
    expect(health.status).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
    // The same connection serves new calls afterwards.
    expect((await started?.client.unary("healthCheck", {}))?.sessions).toBe(1);
  });

  it(`the default caps one connection at ${DEFAULT_MAX_CONCURRENT_STREAMS} streams`, async () => {
    const { most, outcomes } = await openMany({}, DEFAULT_MAX_CONCURRENT_STREAMS + 50, DEFAULT_MAX_CONCURRENT_STREAMS);
    expect(most).toBe(DEFAULT_MAX_CONCURRENT_STREAMS);
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
  });
});
