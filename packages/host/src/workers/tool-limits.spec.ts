// Workers cannot grow the host's tool tables without bound: distinct worker tools per
// session and globally are capped; a registration past the cap is refused whole.
import type { ToolBridgeError } from "@toolbridge/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serveWorker } from "../../../client/src/worker/index.js";
import { createHost, type Host } from "../host.js";
import { defineTool } from "../tool/define-tool.js";

const tool = (name: string) => defineTool({ name, input: z.object({}), handler: () => name });

let host: Host;
beforeAll(async () => {
  host = await createHost({ port: 0, logLevel: "silent", workerOptions: { maxToolsPerSession: 2, maxGlobalTools: 3 } });
  await host.core.store.createSession("s", {});
});
afterAll(() => host.close({ graceMs: 100 }));

async function refusal(promise: Promise<unknown>): Promise<ToolBridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as ToolBridgeError;
  }
  throw new Error("expected the registration to be refused");
}

describe("worker tool limits", () => {
  it("a session takes at most maxToolsPerSession distinct worker tools; a replica of a known one still fits", async () => {
    const first = await serveWorker(host.address, [tool("a"), tool("b")], { sessionId: "s", supervised: false });
    const replica = await serveWorker(host.address, [tool("a")], { sessionId: "s", supervised: false });
    const refused = await refusal(
      serveWorker(host.address, [tool("a"), tool("c")], { sessionId: "s", supervised: false }),
    );
    expect(refused.code).toBe("ResourceExhausted");
    expect(refused.details).toMatchObject({ session_id: "s", max_worker_tools_per_session: "2" });
    expect((await host.store.listTools("s")).map((t) => t.name).sort()).toEqual(["a", "b"]);
    await Promise.all([first.close(100), replica.close(100)]);
  });

  it("global worker tools are capped at maxGlobalTools", async () => {
    const first = await serveWorker(host.address, [tool("g1"), tool("g2"), tool("g3")], { supervised: false });
    const refused = await refusal(serveWorker(host.address, [tool("g4")], { supervised: false }));
    expect(refused.code).toBe("ResourceExhausted");
    expect(refused.details).toMatchObject({ max_global_worker_tools: "3" });
    expect(host.registry.globalSpecs().map((s) => s.name)).not.toContain("g4");
    await first.close(100);
  });
});
