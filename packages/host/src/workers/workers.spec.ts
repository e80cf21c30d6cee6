// Worker-hosted tools with real processes: Python workers (examples/workers/python_worker.py)
// supervised by an in-process host, called through the TypeScript client.
import { fileURLToPath } from "node:url";
import { ToolBridge, type ToolBridgeError } from "@toolbridge/client";
import { ToolLocation } from "@toolbridge/protocol";
import { isProcessAlive, startProcess, waitFor } from "@toolbridge/testkit";
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { countingTools } from "../../../../examples/workers/counting_tools.mjs";
import { serveWorker } from "../../../client/src/worker/index.js";
import { createHost, type Host, type HostOptions } from "../host.js";
import { failure } from "../testing/failure.js";
import { defineTool } from "../tool/define-tool.js";
import type { WorkerConfig } from "./config.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const pythonWorker = `${repo}examples/workers/python_worker.py`;
const tsWorker = `${repo}examples/workers/ts_worker.mjs`;
const loader = fileURLToPath(new URL("./testing/register.mjs", import.meta.url));

const python = (extra: Partial<WorkerConfig> = {}): WorkerConfig => ({
  command: "/usr/bin/python3",
  args: [pythonWorker],
  name: "py",
  ...extra,
});

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function startHost(options: HostOptions): Promise<Host> {
  const host = await createHost({ port: 0, logLevel: "silent", tools: countingTools(), ...options });
  open.push({ close: () => host.close({ graceMs: 2_000 }) });
  return host;
}

async function connect(host: Host, sessionId: string): Promise<ToolBridge> {
  const bridge = new ToolBridge(host.address, { retry: false });
  open.push(bridge);
  await bridge.initialize(sessionId);
  return bridge;
}

/** The supervised worker running a call right now. */
function busyWorker(host: Host) {
  return waitFor(() => host.workers.hub.workers().find((w) => w.inFlight > 0), { message: "a worker with a call" });
}

describe("a Python worker's tools, through the host", () => {
  test("unary, streaming, sync and batch calls reach the worker; errors look like host errors", async () => {
    const host = await startHost({ workers: [python()] });
    const bridge = await connect(host, "py-basics");

    expect(bridge.tool("add").spec.location).toBe(ToolLocation.WORKER);
    expect(bridge.tool("add").spec.arguments.map((a) => [a.name, a.type, a.required])).toEqual([
      ["a", "int", true],
      ["b", "int", false],
    ]);
    expect(bridge.tool("add").spec.arguments[0]?.description).toBe("the first addend.");
    expect(await bridge.callTool("add", [2, 3])).toBe(5);
    expect(await bridge.callTool("add", { a: 2 })).toBe(3);
    expect(await bridge.callTool("word_count", ["a b a"])).toEqual({ a: 2, b: 1 });
    const chunks: unknown[] = [];
    for await (const chunk of bridge.openStream("countdown", [3])) chunks.push(chunk);
    expect(chunks).toEqual([3, 2, 1]);
    const batch = await bridge.executeBatch([
      { tool: "add", args: [1, 1] },
      { tool: "add", args: ["x"] },
    ]);
    expect(batch[0]).toBe(2);
    expect((batch[1] as ToolBridgeError).code).toBe("ValidationError");

    const invalid = await failure(bridge.callTool("add", { a: "two" }));
    expect(invalid.code).toBe("ValidationError");
    expect(invalid.message).toContain("expected an integer");
    const thrown = await failure(bridge.callTool("boom", ["kaput"]));
    expect(thrown.message).toContain("ValueError: kaput");
    expect(thrown.details.worker_id).toBe("py-0");

    const metrics = await host.metricsText();
    expect(metrics).toMatch(/toolbridge_worker_calls_total\{worker_id="py-0",tool="add",status="ok"\} [1-9]/);
    expect(metrics).toMatch(/toolbridge_tool_calls_total\{tool="add",status="ok"\}/);
  });

  test("a worker tool calls host tools and session variables mid-execution, within its budget", async () => {
    const host = await startHost({ workers: [python()] });
    const bridge = await connect(host, "py-callback");

    expect(await bridge.callTool("record_after", { key: "k", delay_ms: 1 })).toBe(1);
    expect(await bridge.callTool("counter_get", { key: "k" })).toBe(1);
    expect(await bridge.callTool("remember", { name: "note", value: "hi" })).toBe("hi");
    expect(await bridge.session.get("note")).toBe("hi");

    const budget = (await bridge.callTool("budget", { nested: true }, { timeoutMs: 3_000 })) as Record<string, number>;
    expect(budget.remaining_ms).toBeLessThanOrEqual(3_000);
    expect(budget.remaining_ms).toBeGreaterThan(0);
    expect(budget.nested_ms).toBeLessThanOrEqual(budget.remaining_ms as number);
  });

  test("cancelling a call cancels the nested call its worker tool is waiting on", async () => {
    const host = await startHost({ workers: [python()] });
    const bridge = await connect(host, "py-cancel");
    const controller = new AbortController();
    const call = bridge.callTool("nested_sleep", { ms: 20_000 }, { signal: controller.signal });
    await waitFor(() => host.core.admittedCalls >= 2, { message: "the nested sleep_ms call" });
    controller.abort();
    expect((await failure(call)).errorType).toBe("Cancelled");
    await waitFor(async () => (await bridge.callTool("cancelled_count")) === 1, { message: "sleep_ms cancelled" });
  });

  test("tools registered into a session are seen only there; affinity keeps a session on one replica", async () => {
    const host = await startHost({ workers: [python({ count: 2 })], workerOptions: { sessionAffinity: true } });
    const owner = await connect(host, "py-owner");
    const other = await connect(host, "py-other");
    const sessionWorker = await startProcess(
      "/usr/bin/python3",
      [pythonWorker, host.address, "--session", "py-owner", "--id", "scoped"],
      {
        readyPattern: /ready: \d+ tools/,
      },
    );
    open.push({ close: () => sessionWorker.stop() });
    // The session worker shadows the global tools in its session only.
    expect((await owner.session.tools()).filter((t) => t.name === "whoami")[0]?.sessionId).toBe("py-owner");
    expect((await other.session.tools()).filter((t) => t.name === "whoami")[0]?.sessionId).toBe("");
    const scoped = (await owner.callTool("whoami")) as { pid: number };
    expect(scoped.pid).toBe(sessionWorker.pid);

    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) pids.add(((await other.callTool("whoami")) as { pid: number }).pid);
    expect(pids.size).toBe(1);
  });

  test("4 Python workers x 50 concurrent calls: every call answered, load spread over the replicas", async () => {
    const host = await startHost({ workers: [python({ count: 4 })] });
    const bridge = await connect(host, "py-load");
    const results = await Promise.all(
      Array.from({ length: 200 }, () => bridge.callTool("whoami", { delay_ms: 20 }) as Promise<{ pid: number }>),
    );
    expect(results).toHaveLength(200);
    const pids = new Set(results.map((r) => r.pid));
    expect(pids).toEqual(new Set(host.workers.supervisor?.pids()));
    expect(pids.size).toBe(4);
  });
});

describe("worker death and supervision", () => {
  test("kill -9 of a worker mid-call: the call is retried on another replica and completes once", async () => {
    const host = await startHost({ workers: [python({ count: 2 })] });
    const bridge = await connect(host, "py-kill");
    const call = bridge.callTool("record_after", { key: "job", delay_ms: 1_500 });
    const victim = await busyWorker(host);
    process.kill(victim.hello.pid, "SIGKILL");
    expect(await call).toBe(1);
    expect(await bridge.callTool("counter_get", { key: "job" })).toBe(1);
  });

  test("kill -9 mid-call of a non-idempotent tool: UNAVAILABLE naming the worker, nothing ran", async () => {
    const host = await startHost({ workers: [python({ count: 2 })] });
    const bridge = await connect(host, "py-kill-once");
    const call = bridge.callTool("record_once", { key: "job", delay_ms: 1_500 });
    const victim = await busyWorker(host);
    process.kill(victim.hello.pid, "SIGKILL");
    const error = await failure(call);
    expect(error.errorType).toBe("Unavailable");
    expect(error.message).toContain(victim.id);
    expect(error.details.worker_id).toBe(victim.id);
    expect(await bridge.callTool("counter_get", { key: "job" })).toBe(0);
  });

  test("a killed worker is restarted and its tools keep working", async () => {
    const host = await startHost({ workers: [python()] });
    const bridge = await connect(host, "py-restart");
    const first = ((await bridge.callTool("whoami")) as { pid: number }).pid;
    process.kill(first, "SIGKILL");
    // With one replica the call waits for the restarted worker.
    const second = ((await bridge.callTool("whoami")) as { pid: number }).pid;
    expect(second).not.toBe(first);
    await waitFor(async () => !(await isProcessAlive(first)));
  });

  test("recycling after maxRequests: a replacement starts, the old worker drains and exits", async () => {
    const host = await startHost({ workers: [python({ maxRequests: 5 })] });
    const bridge = await connect(host, "py-recycle");
    const pids: number[] = [];
    for (let i = 0; i < 12; i++) pids.push(((await bridge.callTool("whoami")) as { pid: number }).pid);
    expect(new Set(pids.slice(0, 5)).size).toBe(1);
    expect(new Set(pids.slice(5, 10)).size).toBe(1);
    expect(pids[5]).not.toBe(pids[0]);
    expect(pids[10]).not.toBe(pids[5]);
    await waitFor(async () => !(await isProcessAlive(pids[0] as number)), { message: "the recycled worker to exit" });
  });

  test("recycling by RSS and by TTL", async () => {
    const host = await startHost({
      workers: [python({ name: "rss", maxRssBytes: 100 * 1024 * 1024 }), python({ name: "ttl", ttlMs: 1_000 })],
      workerOptions: { heartbeatIntervalMs: 200 },
    });
    const ttlPid = host.workers.hub.worker("ttl-0")?.hello.pid as number;
    await waitFor(() => host.workers.hub.worker("ttl-0.2"), { timeoutMs: 5_000, message: "TTL replacement" });
    await waitFor(async () => !(await isProcessAlive(ttlPid)), { message: "the expired worker to exit" });

    const rss = host.workers.hub.worker("rss-0");
    const bridge = await connect(host, "py-rss");
    // Which replica answers does not matter: only the rss worker has a limit to break.
    for (let i = 0; i < 8 && !rss?.draining && !rss?.closed; i++) {
      await bridge.callTool("hoard", { megabytes: 60 });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await waitFor(() => host.workers.hub.worker("rss-0.2"), { timeoutMs: 5_000, message: "RSS replacement" });
  });

  test("a worker that stops answering is declared dead after 3 missed heartbeats", async () => {
    const host = await startHost({ workers: [python()], workerOptions: { heartbeatIntervalMs: 200 } });
    const worker = host.workers.hub.worker("py-0");
    if (!worker) throw new Error("worker py-0 is not connected");
    let reason = "";
    worker.onClose((why) => {
      reason = why;
    });
    process.kill(worker.hello.pid, "SIGSTOP");
    await waitFor(() => worker.closed, { timeoutMs: 3_000, message: "the stopped worker declared dead" });
    expect(reason).toBe("missed 3 heartbeats");
    await waitFor(async () => !(await isProcessAlive(worker.hello.pid)), { message: "the stopped worker killed" });
    await waitFor(() => host.workers.hub.worker("py-0.2"), { timeoutMs: 10_000, message: "its replacement" });
  });
});

describe("a TypeScript worker", () => {
  test("serves defineTool tools with the host's validation, streams and callbacks", async () => {
    const host = await startHost({});
    const worker = await startProcess(process.execPath, ["--import", loader, tsWorker, host.address], {
      readyPattern: /ts worker (\S+) ready/,
      timeoutMs: 30_000,
    });
    open.push({ close: () => worker.stop() });
    const bridge = await connect(host, "ts-worker");
    expect(await bridge.callTool("ts_add", { a: 40, b: 2 })).toBe(42);
    expect(await bridge.callTool("ts_add", [1])).toBe(2);
    const invalid = await failure(bridge.callTool("ts_add", { a: 1.5 }));
    expect(invalid.code).toBe("ValidationError");
    const ticks: unknown[] = [];
    for await (const tick of bridge.openStream("ts_ticks", { n: 4 })) ticks.push(tick);
    expect(ticks).toEqual([0, 1, 2, 3]);
    expect(await bridge.callTool("ts_record_after", { key: "t", delay_ms: 1 })).toBe(1);
    expect(await bridge.callTool("ts_remember", { name: "v", value: "x" })).toBe("x");
    const budget = (await bridge.callTool("ts_budget", {}, { timeoutMs: 2_000 })) as Record<string, number>;
    expect(budget.nested_ms).toBeLessThanOrEqual(budget.remaining_ms as number);
    expect(budget.remaining_ms).toBeLessThanOrEqual(2_000);

    const controller = new AbortController();
    const call = bridge.callTool("ts_nested_sleep", { ms: 20_000 }, { signal: controller.signal });
    await waitFor(() => host.core.admittedCalls >= 2, { message: "the nested sleep_ms call" });
    controller.abort();
    await failure(call);
    await waitFor(async () => (await bridge.callTool("cancelled_count")) === 1, { message: "sleep_ms cancelled" });
  });
});

describe("registration", () => {
  test("a worker cannot take the name of a host tool", async () => {
    const host = await startHost({});
    const clash = defineTool({ name: "host_echo", input: z.object({}), handler: () => "worker" });
    const refused = await failure(serveWorker(host.address, [clash], { logger: host.logger }));
    expect(refused.code).toBe("AlreadyExists");
    expect(refused.message).toContain("host_echo");
    const bridge = await connect(host, "clash");
    expect(await bridge.callTool("host_echo", { value: "host" })).toBe("host");
  });
});

describe("a host with authentication", () => {
  test("workers present a bearer token from TOOLBRIDGE_AUTH_TOKEN; their callbacks act as an admin", async () => {
    const userToken = "user-token-0123456789";
    const workerToken = "worker-token-0123456789";
    const host = await startHost({
      auth: { tokens: { [userToken]: "alice", [workerToken]: "workers" }, admins: ["workers"] },
      workers: [python({ env: { TOOLBRIDGE_AUTH_TOKEN: workerToken } })],
    });
    expect(host.workers.count).toBe(1);
    const bridge = new ToolBridge(host.address, { retry: false, authToken: userToken });
    open.push(bridge);
    await bridge.initialize("alice-session");
    expect(await bridge.callTool("record_after", { key: "a", delay_ms: 1 })).toBe(1);

    const anonymous = await failure(
      serveWorker(host.address, [defineTool({ name: "anon", input: z.object({}), handler: () => 0 })], {
        logger: host.logger,
      }),
    );
    expect(anonymous.code).toBe("Unauthenticated");
  });
});

describe("streaming through a worker", () => {
  test("a consumer that stops reading pauses the worker's generator (backpressure end to end)", async () => {
    const host = await startHost({ workerOptions: { heartbeatIntervalMs: 100 } });
    let produced = 0;
    const chunk = "x".repeat(32 * 1024);
    const flood = defineTool({
      name: "flood",
      input: z.object({ n: z.number().int() }),
      async *handler({ n }) {
        for (let i = 0; i < n; i++) {
          produced++;
          yield chunk;
        }
      },
    });
    const worker = await serveWorker(host.address, [flood], { logger: host.logger });
    open.push({ close: () => worker.close(1_000) });
    const bridge = await connect(host, "ts-flood");
    const iterator = bridge.openStream("flood", { n: 3_000 })[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: chunk });
    // Without backpressure all 3000 chunks (96 MB) would be produced at once; with it the
    // producer stops once the windows and buffers between it and the reader are full.
    let previous = -1;
    await waitFor(
      async () => {
        const settled = produced === previous;
        previous = produced;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return settled;
      },
      { timeoutMs: 10_000, message: "the producer to stall" },
    );
    expect(produced).toBeLessThan(1_500);
    // Paused for many heartbeat intervals: the worker's silence is the host's doing, not death.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(host.workers.hub.workers().map((w) => w.closed)).toEqual([false]);
    let read = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) read++;
    expect(read).toBe(3_000);
    expect(produced).toBe(3_000);
  });
});
