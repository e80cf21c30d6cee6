// Issue 13: request leases. A host leasing a session claims its request_ids in
// memory and writes the records behind; other hosts must still never run a
// request_id twice, and must not wait on a lease whose holder is gone.
import { create } from "@bufbuild/protobuf";
import { type ExecuteToolResponse, ExecuteToolResponseSchema } from "@toolbridge/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisConnection } from "../../packages/host/src/store/redis/connection.js";
import { RedisSessionStore, type RedisSessionStoreOptions } from "../../packages/host/src/store/redis/store.js";
import { deferred, must, until } from "../../packages/host/src/testing/deferred.js";
import { rejection } from "../../packages/host/src/testing/session-store-contract.js";
import { type RedisServer, startRedis } from "./redis-server.js";

let redis: RedisServer;
let opened: RedisSessionStore[] = [];
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
});
afterAll(async () => {
  await redis.stop();
});

/** Two stores ("hosts") sharing a key prefix, and a fresh session. */
async function pair(options: RedisSessionStoreOptions) {
  const keyPrefix = `lease${n++}:`;
  const a = await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...options });
  const b = await RedisSessionStore.connect({ url: redis.url, keyPrefix, ...options });
  opened.push(a, b);
  const sid = `s${n}`;
  await a.createSession(sid, {});
  return { a, b, sid };
}

const ok = (tag: string) => create(ExecuteToolResponseSchema, { success: true, requestId: tag });
const once = (store: RedisSessionStore, sid: string, rid: string, run: () => Promise<ExecuteToolResponse>) =>
  store.requests.once(sid, rid, "tool", 60_000, () => false, run);

/** A's first call with a request_id claims through Redis and takes the lease in the background. */
async function leaseOn(store: RedisSessionStore, sid: string): Promise<void> {
  await once(store, sid, "warm-up", async () => ok("warm-up"));
  await until(() => store.requests.leased(sid));
}

describe("request leases", () => {
  it("a retry on B while A holds the lease and still runs the first attempt gets A's outcome; the tool ran once", async () => {
    const { a, b, sid } = await pair({ requestLeaseMs: 2_000 });
    await leaseOn(a, sid);
    let runs = 0;
    const finish = deferred();
    const first = once(a, sid, "r1", async () => {
      runs++;
      await finish.promise;
      return ok("from-a");
    });
    // Claimed in memory: the tool started without waiting for Redis.
    expect(runs).toBe(1);
    const repeat = once(b, sid, "r1", async () => {
      runs++;
      return ok("from-b");
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    finish.resolve();
    expect((await first).requestId).toBe("from-a");
    expect((await repeat).requestId).toBe("from-a");
    expect(runs).toBe(1);
    // The tool id is checked against A's record too.
    const other = await rejection(
      b.requests.once(
        sid,
        "r1",
        "other",
        60_000,
        () => false,
        async () => ok("x"),
      ),
    );
    expect(other.code).toBe("InvalidArgument");
  });

  it("an outcome written behind never overtakes its record, even when Redis lacks the record script", async () => {
    // Found under load: the record went out as EVALSHA, failed with NOSCRIPT (first use, or
    // after a Redis restart) and was sent again after the outcome, which then matched no
    // record and was dropped; a repeat on B waited on a "running" record for the whole window.
    const admin = await RedisConnection.open(redis.url);
    try {
      await admin.command(["SCRIPT", "FLUSH"]);
    } finally {
      await admin.close();
    }
    const { a, b, sid } = await pair({ requestLeaseMs: 2_000 });
    // The warm-up claims through Redis, so the outcome script is loaded and the record script is not.
    await leaseOn(a, sid);
    // Finishes just after the record's batch left (5 ms), before that write reached Redis.
    const first = await once(a, sid, "r-order", () => new Promise((resolve) => setTimeout(() => resolve(ok("a")), 5)));
    expect(first.requestId).toBe("a");
    const gaveUpAt = Date.now() + 5_000;
    const repeat = await b.requests.once(
      sid,
      "r-order",
      "tool",
      60_000,
      () => Date.now() > gaveUpAt,
      async () => ok("b"),
    );
    expect(repeat.requestId).toBe("a");
  });

  it("a new request_id on B waits while A holds the lease, then runs once A hands it over", async () => {
    const { a, b, sid } = await pair({ requestLeaseMs: 2_000 });
    await leaseOn(a, sid);
    // Keeps A's lease in use, so it is handed over because B wants it, not because it went idle.
    const busy = setInterval(() => once(a, sid, `busy-${n++}`, async () => ok("busy")).catch(() => {}), 20);
    try {
      const onB = await once(b, sid, "r2", async () => ok("from-b"));
      expect(onB.requestId).toBe("from-b");
      expect(a.requests.leased(sid)).toBe(false);
      // A now claims through Redis too, and finds B's record.
      expect((await once(a, sid, "r2", async () => ok("from-a"))).requestId).toBe("from-b");
    } finally {
      clearInterval(busy);
    }
  });

  it("a lease whose holder died holds B back until it expires, then B runs", async () => {
    const { b, sid } = await pair({ requestLeaseMs: 2_000 });
    // What Redis holds when a host took the lease and died: a holder that never renews nor releases.
    const [seconds] = (await b.redis.command(["TIME"])) as [Buffer, Buffer];
    const expiresAt = Number(seconds.toString()) * 1000 + 1_500;
    await b.redis.command(["HSET", b.keys.lease(sid), "h", "dead-ledger", "u", String(expiresAt)]);
    let runs = 0;
    const onB = once(b, sid, "r3", async () => {
      runs++;
      return ok("from-b");
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toBe(0);
    expect((await onB).requestId).toBe("from-b");
    expect(runs).toBe(1);
  });

  it("a lease whose renewal fails stops local claims: calls fail with Unavailable instead of running", async () => {
    const { a, sid } = await pair({ requestLeaseMs: 3_000, commandTimeoutMs: 200 });
    await leaseOn(a, sid);
    redis.pause();
    let runs = 0;
    try {
      await until(() => !a.requests.leased(sid));
      const failure = await rejection(
        once(a, sid, "r4", async () => {
          runs++;
          return ok("ran");
        }),
      );
      expect(failure.code).toBe("Unavailable");
      expect(runs).toBe(0);
    } finally {
      redis.resume();
    }
    // Once Redis answers again the request_id is free: the retry runs.
    await until(() => a.redis.ready);
    let retried: ExecuteToolResponse | undefined;
    while (!retried) {
      retried = await once(a, sid, "r4", async () => {
        runs++;
        return ok("ran");
      }).catch(() => undefined);
      if (!retried) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(must(retried).requestId).toBe("ran");
    expect(runs).toBe(1);
  });
});
