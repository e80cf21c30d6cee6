import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { serveWorker } from "../../../client/src/worker/index.js";
import { createHost, type Host } from "../host.js";
import { failure } from "../testing/failure.js";
import { defineTool } from "../tool/define-tool.js";
import { auditCapture } from "./testing.js";

// HostOptions.maxWorkerStreams with real workers (the TypeScript SDK's serveWorker).

const echo = defineTool({ name: "echo", input: z.object({ text: z.string() }), handler: ({ text }) => text });

let host: Host | undefined;
afterEach(async () => {
  await host?.close({ graceMs: 100 });
  host = undefined;
});

describe("ConnectWorker streams cap", () => {
  it("refuses a worker over the cap with ResourceExhausted (audited) and admits one again once a worker leaves", async () => {
    const audit = auditCapture();
    host = await createHost({
      port: 0,
      logLevel: "silent",
      maxWorkerStreams: 1,
      audit: { destination: audit.destination },
    });
    const address = host.address;
    const first = await serveWorker(address, [echo], { supervised: false });

    const refused = await failure(serveWorker(address, [echo], { supervised: false }));
    expect(refused.code).toBe("ResourceExhausted");
    expect(refused.details).toMatchObject({ max_worker_streams: "1" });
    expect(audit.events).toContainEqual(
      expect.objectContaining({ event: "limit_hit", errorType: "ResourceExhausted", method: "ConnectWorker" }),
    );
    expect(host.workers.count).toBe(1);

    await first.close(100);
    // The host learns of the ended stream asynchronously: retry until its slot is free.
    const second = await vi.waitFor(() => serveWorker(address, [echo], { supervised: false }), {
      timeout: 10_000,
      interval: 50,
    });
    expect(host.workers.count).toBe(1);
    await second.close(100);
  });

  it("refuses a maxWorkerStreams below 1 at startup", async () => {
    await expect(createHost({ port: 0, logLevel: "silent", maxWorkerStreams: 0 })).rejects.toThrow(
      /maxWorkerStreams must be an integer >= 1/,
    );
  });
});
