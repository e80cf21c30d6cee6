// Issue 13: a host killed with SIGKILL says no goodbye to Redis. While its heartbeat key
// lives, calls forwarded to it fail with Unavailable; once the key has expired its global
// tools are served by another owner, or by nobody (ToolNotFound, unlisted, as on a single
// server), and its records leave the directory — but not records written again meanwhile.
import { decodeValue } from "@toolbridge/protocol";
import { waitFor } from "@toolbridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RedisSessionStore } from "../../packages/host/src/store/redis/store.js";
import { must } from "../../packages/host/src/testing/deferred.js";
import type { Started } from "../../packages/host/src/testing/hosts.js";
import { defineTool } from "../../packages/host/src/tool/define-tool.js";
import { type HostProcess, startHostProcess } from "../reliability/child/host-process.js";
import { type DirectoryProbe, directoryProbe } from "./directory-probe.js";
import { startHosts, stopAll } from "./hosts.js";
import { type RedisServer, startRedis } from "./redis-server.js";

const ownerMain = new URL("./child/owner-host.ts", import.meta.url).pathname;
/** The killed hosts' heartbeat: their key lapses 3 beats (1.2 s) after their last one. */
const OWNER_HEARTBEAT_MS = 400;
/** Bound on every wait for a lapse: the key's TTL, the caller's owner cache (1 s) and a refresh, with room for a loaded machine. */
const LAPSE_MS = 15_000;

type Outcome = { result: unknown } | { error: string; message: string };

let redis: RedisServer;
let inspector: RedisSessionStore;
let probe: DirectoryProbe;
let hosts: Started[];
/** The caller: serves no tool of its own. */
let b: Started;
/** A live second owner of "shared". */
let c: Started;
const children: HostProcess[] = [];

const shared = (host: string) => defineTool({ name: "shared", input: z.object({}), handler: async () => host });

beforeAll(async () => {
  redis = await startRedis();
  inspector = await RedisSessionStore.connect({ url: redis.url });
  probe = directoryProbe(inspector.redis, inspector.keys);
  const cluster = (hostId: string) => ({ cluster: { hostId, heartbeatMs: 100 } });
  hosts = [
    ...(await startHosts(1, redis.url, cluster("caller"))),
    ...(await startHosts(1, redis.url, { ...cluster("second"), tools: [shared("second")] })),
  ];
  [b, c] = hosts as [Started, Started];
  await b.client.unary("initializeSession", { sessionId: "dead-owner" });
}, 30_000);
afterAll(async () => {
  await Promise.all(children.map((child) => child.process.stop("SIGKILL", 0)));
  await stopAll(hosts ?? []);
  await inspector?.close();
  await redis?.stop();
});

async function startOwner(hostId: string, tools: string, session: Record<string, string> = {}): Promise<HostProcess> {
  const child = await startHostProcess(
    0,
    {
      TOOLBRIDGE_STORE: redis.url,
      TOOLBRIDGE_HOST_ID: hostId,
      TOOLBRIDGE_HEARTBEAT_MS: String(OWNER_HEARTBEAT_MS),
      TOOLBRIDGE_TOOLS: tools,
      ...session,
    },
    ownerMain,
  );
  children.push(child);
  return child;
}

async function call(host: Started, toolId: string, sessionId = "dead-owner"): Promise<Outcome> {
  const response = await host.client.unary("executeTool", { sessionId, toolId });
  if (response.success) return { result: decodeValue(must(response.result)) };
  return { error: must(response.error).type, message: must(response.error).message };
}

async function listed(host: Started): Promise<string[]> {
  return (await host.client.unary("getSessionTools", { sessionId: "dead-owner" })).tools.map((t) => t.name);
}

describe("a host killed with SIGKILL", () => {
  it("its tool is Unavailable while its heartbeat lives, then ToolNotFound and unlisted, and its records are gone", async () => {
    const a = await startOwner("killed", "only_on_killed");
    await waitFor(async () => (await listed(b)).includes("only_on_killed"), { message: "B to list A's tool" });
    expect(await call(b, "only_on_killed")).toEqual({ result: "killed" });

    await a.process.stop("SIGKILL", 0);
    const seen: { outcome: Outcome; beatingAfter: boolean }[] = [];
    await waitFor(
      async () => {
        const outcome = await call(b, "only_on_killed");
        seen.push({ outcome, beatingAfter: await probe.beating("killed") });
        return "error" in outcome && outcome.error === "ToolNotFound";
      },
      { timeoutMs: LAPSE_MS, intervalMs: 50, message: "ToolNotFound through B" },
    );
    // Right after the kill the heartbeat lives on (1.2 s): the owner is unreachable, not gone.
    expect(seen[0]?.outcome).toMatchObject({
      error: "Unavailable",
      message: expect.stringMatching(/^tool only_on_killed is served by host killed, which is unavailable: /),
    });
    // Unavailable until the switch (the key lived, or the caller still held the owner it found).
    for (const { outcome } of seen.slice(0, -1)) expect(outcome).toMatchObject({ error: "Unavailable" });
    expect(seen.at(-1)?.beatingAfter).toBe(false);
    // The same outcome as for a tool no host ever served.
    const never = (await call(b, "never_served")) as { error: string; message: string };
    expect(seen.at(-1)?.outcome).toEqual({
      error: never.error,
      message: never.message.replace("never_served", "only_on_killed"),
    });
    expect(await call(c, "only_on_killed")).toMatchObject({ error: "ToolNotFound" });

    await waitFor(async () => !(await listed(b)).includes("only_on_killed"), { message: "B to stop listing it" });
    await waitFor(async () => !(await probe.indexed("only_on_killed")), { message: "the name to leave the index" });
    expect(await probe.owners("only_on_killed")).toEqual([]);
    await waitFor(async () => !(await listed(c)).includes("only_on_killed"), { message: "C to stop listing it" });
  }, 30_000);

  it("a second live owner keeps serving its tool, and keeps its record", async () => {
    const a = await startOwner("killed-sharer", "shared");
    await waitFor(async () => (await probe.owners("shared")).length === 2, { message: "both owners of shared" });
    expect(["killed-sharer", "second"]).toContain(((await call(b, "shared")) as { result: string }).result);

    await a.process.stop("SIGKILL", 0);
    await waitFor(async () => !(await probe.beating("killed-sharer")), {
      timeoutMs: LAPSE_MS,
      message: "the key to lapse",
    });
    // The caller may still hold the killed owner for up to a second; then only the live one serves.
    await waitFor(async () => ("result" in (await call(b, "shared")) ? true : undefined), {
      timeoutMs: LAPSE_MS,
      message: "a result through B",
    });
    for (let i = 0; i < 5; i++) expect(await call(b, "shared")).toEqual({ result: "second" });
    await waitFor(async () => (await probe.owners("shared")).length === 1, {
      message: "the killed owner's record to go",
    });
    expect(await probe.owners("shared")).toEqual(["second"]);
    expect(await probe.indexed("shared")).toBe(true);
    expect(await listed(b)).toContain("shared");
  }, 30_000);

  it("a host that comes back under the same id with the same tool is not cleaned away", async () => {
    const first = await startOwner("phoenix", "reborn");
    expect(await call(b, "reborn")).toEqual({ result: "phoenix" });
    await first.process.stop("SIGKILL", 0);
    await waitFor(async () => !(await probe.indexed("reborn")), {
      timeoutMs: LAPSE_MS,
      message: "the dead owner's cleanup",
    });
    expect(await call(b, "reborn")).toMatchObject({ error: "ToolNotFound" });

    await startOwner("phoenix", "reborn");
    await waitFor(async () => (await listed(b)).includes("reborn"), { message: "B to list it again" });
    // B listed it after a refresh that found its owner alive: that refresh deleted nothing.
    expect(await probe.owners("reborn")).toEqual(["phoenix"]);
    expect(await call(b, "reborn")).toEqual({ result: "phoenix" });
  }, 30_000);

  it("a host stalled past its heartbeats is dropped meanwhile, and advertises its tools again when it resumes", async () => {
    const a = await startOwner("stalled", "from_stalled");
    expect(await call(b, "from_stalled")).toEqual({ result: "stalled" });
    a.process.process.kill("SIGSTOP");
    try {
      await waitFor(async () => !(await probe.indexed("from_stalled")), {
        timeoutMs: LAPSE_MS,
        message: "its cleanup",
      });
      expect(await call(b, "from_stalled")).toMatchObject({ error: "ToolNotFound" });
    } finally {
      a.process.process.kill("SIGCONT");
    }
    // Its next beat finds its key gone: it advertises again (and serves: it never stopped).
    await waitFor(async () => (await listed(b)).includes("from_stalled"), { message: "B to list it again" });
    expect(await call(b, "from_stalled")).toEqual({ result: "stalled" });
  }, 30_000);

  it("its session tools stay the session's and fail with Unavailable; another host may register them again", async () => {
    await b.client.unary("initializeSession", { sessionId: "takeover" });
    const a = await startOwner("killed-session", "", {
      TOOLBRIDGE_SESSION: "takeover",
      TOOLBRIDGE_SESSION_TOOLS: "session_only",
    });
    expect(await call(b, "session_only", "takeover")).toEqual({ result: "killed-session" });
    const again = defineTool({ name: "session_only", input: z.object({}), handler: async () => "caller" });
    // A live owner keeps its session tool.
    await expect(b.host.registerSessionTools("takeover", [again])).rejects.toMatchObject({ code: "AlreadyExists" });

    await a.process.stop("SIGKILL", 0);
    await waitFor(async () => !(await probe.beating("killed-session")), {
      timeoutMs: LAPSE_MS,
      message: "the key to lapse",
    });
    // As a session tool whose worker is gone on a single server: still the session's, Unavailable.
    const gone = await waitFor(
      async () => {
        const outcome = await call(b, "session_only", "takeover");
        return "error" in outcome && outcome.message.endsWith("it stopped sending heartbeats") ? outcome : undefined;
      },
      { timeoutMs: LAPSE_MS, message: "Unavailable naming the lapsed heartbeat" },
    );
    expect(gone).toMatchObject({ error: "Unavailable", message: expect.stringContaining("host killed-session") });
    const { tools } = await b.client.unary("getSessionTools", { sessionId: "takeover" });
    expect(tools.map((t) => t.name)).toContain("session_only");

    // A worker reconnecting elsewhere (here: the host itself) takes the tool over.
    await b.host.registerSessionTools("takeover", [again]);
    expect(await call(c, "session_only", "takeover")).toEqual({ result: "caller" });
    const owner = await inspector.redis.command([
      "HGET",
      inspector.keys.session("takeover")[7] as string,
      "session_only",
    ]);
    expect(String(owner)).toBe("caller");
  }, 30_000);
});
