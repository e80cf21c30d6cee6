import { randomUUID } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ExecuteToolResponse, ExecuteToolResponseSchema, ToolBridgeError } from "@toolbridge/protocol";
import { hostError } from "../../errors.js";
import type { RequestLedger } from "../types.js";
import { type RedisConnection, script } from "./connection.js";
import type { RedisKeys } from "./keys.js";
import { type Entry, RECORD, RequestLeases, type SessionLease } from "./request-lease.js";
import { type BehindRecord, WriteBehind } from "./write-behind.js";

/**
 * A request's record is a hash: 't' tool id, 'h' id of the host running it,
 * 'a' the attempt's token (so only that attempt completes or releases it), and
 * 'o' the outcome once there is one. Every script touches that one key, so
 * records are safe on Redis Cluster.
 *
 * KEYS: the record, the session's lease, its request index (request-lease.ts).
 * ARGV: tool id, window ms, this host's id, a fresh token, this ledger's id,
 * the request_id, backoff ms. nil when claimed, 1 when another host leases the
 * session (it may have claimed this request_id and not written the record yet:
 * wait; the lease holder is told to hand over), else {tool id, outcome or nil, host, token}.
 */
const CLAIM = script(`
local r = redis.call('HMGET', KEYS[1], 't', 'o', 'h', 'a')
if r[1] then return r end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local l = redis.call('HMGET', KEYS[2], 'h', 'u')
if l[1] and l[1] ~= '' and l[1] ~= ARGV[5] then
  if tonumber(l[2] or '0') > now then
    redis.call('HSET', KEYS[2], 'c', '1', 'x', now + tonumber(ARGV[7]))
    return 1
  end
  -- The last holder's memory no longer covers every record of the session.
  redis.call('HSET', KEYS[2], 'h', '')
end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'h', ARGV[3], 'a', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return nil
`);

/** After a host had to wait for a lease, no host leases the session for this long (they share it). */
const CONTENDED_BACKOFF_MS = 10_000;

/**
 * KEYS: the record. ARGV: token of the attempt to replace (its host stopped
 * beating), tool id, window ms, this host's id, a fresh token. 1 when taken over.
 */
const TAKE_OVER = script(`
local r = redis.call('HMGET', KEYS[1], 'a', 'o')
if r[1] ~= ARGV[1] or r[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 't', ARGV[2], 'h', ARGV[4], 'a', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** KEYS: the record. ARGV: token, outcome bytes, window ms. Stores the outcome of that attempt. */
const COMPLETE = script(`
if redis.call('HGET', KEYS[1], 'a') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'o', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** KEYS: the record. ARGV: token. Forgets an attempt that ended without an outcome. */
const RELEASE = script(`
if redis.call('HGET', KEYS[1], 'a') == ARGV[1] and redis.call('HEXISTS', KEYS[1], 'o') == 0 then
  redis.call('DEL', KEYS[1])
end
return 1
`);

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;
/** How often writes that failed while Redis was away are tried again. */
const REPAIR_INTERVAL_MS = 500;

type ClaimReply = [tool: Buffer, outcome: Buffer | null, host: Buffer | null, token: Buffer | null] | 1;

/** A write that must reach Redis eventually (an outcome, or a release), tried until it does or no longer matters. */
interface Repair {
  readonly write: () => Promise<unknown>;
  readonly until: number;
}

/**
 * request_id records in Redis, so a retry that lands on another host still
 * gets the first outcome instead of running the tool again. A record is
 * claimed atomically when the call starts; a repeat that finds it still running
 * polls (with backoff) until the outcome is stored, its own call is cancelled or
 * times out, or the record goes away because the first attempt failed without an
 * outcome (then the repeat runs, as on one host), or the host running the first
 * attempt stops beating (then the repeat takes over and runs).
 *
 * Writes that Redis may have missed (it was away or hung when the outcome was
 * stored, or when a claim's reply never came) are repaired later, so a record
 * is never left "running" for the whole window by an attempt that is over.
 */
export class RedisRequestLedger implements RequestLedger {
  private closed = false;
  private repairs: Repair[] = [];
  private repairTimer: NodeJS.Timeout | undefined;
  private readonly ledgerId = randomUUID();
  private readonly tokenPrefix = `${this.ledgerId}.`;
  private attempts = 0;
  /** Per-session request leases (undefined: every claim asks Redis). */
  private readonly leases: RequestLeases | undefined;
  private lastWindowMs = 0;
  private readonly behind: WriteBehind;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    /** Id of this host in its cluster ("" = none: its claims are never taken over). */
    private readonly hostId: () => string,
    /** How long a request lease lasts (0 = no leases). */
    leaseMs = 0,
  ) {
    this.behind = new WriteBehind(redis);
    this.leases =
      leaseMs > 0 ? new RequestLeases(redis, keys, this.ledgerId, { leaseMs }, () => this.lastWindowMs) : undefined;
  }

  /** True while this host claims the session's request_ids without asking Redis (it holds the session's lease). */
  leased(sessionId: string): boolean {
    return this.leases?.holds(sessionId) ?? false;
  }

  async once(
    sessionId: string,
    requestId: string,
    toolId: string,
    windowMs: number,
    cancelled: () => boolean,
    run: () => Promise<ExecuteToolResponse>,
  ): Promise<ExecuteToolResponse> {
    this.lastWindowMs = windowMs;
    const lease = this.leases?.held(sessionId);
    if (lease) {
      const entry = lease.entries.get(requestId);
      if (!entry) return this.runLocally(lease, sessionId, requestId, toolId, windowMs, run);
      if (entry.kind === "local") {
        if (entry.toolId !== toolId) throw reusedFor(sessionId, requestId, toolId, entry.toolId);
        if (entry.running) {
          // Same host, still running: share it; if it ends without an outcome, try again (as the memory store does).
          return entry.running.catch((error: unknown) => {
            if (cancelled()) throw error;
            return this.once(sessionId, requestId, toolId, windowMs, cancelled, run);
          });
        }
        // Settled: its outcome is in Redis once its writes landed.
        await entry.written;
      }
    }
    return this.claimInRedis(sessionId, requestId, toolId, windowMs, cancelled, run);
  }

  /**
   * Claimed in memory under the session's lease: runs at once; the record and
   * then the outcome are written behind, in order, with the next command.
   */
  private runLocally(
    lease: SessionLease,
    sessionId: string,
    requestId: string,
    toolId: string,
    windowMs: number,
    run: () => Promise<ExecuteToolResponse>,
  ): Promise<ExecuteToolResponse> {
    const leases = this.leases as RequestLeases;
    const key = this.keys.request(sessionId, requestId);
    const token = this.nextToken();
    const until = Date.now() + windowMs;
    const entry: Entry = { toolId, kind: "local", expiresAt: until + 5_000 };
    leases.claimLocally(lease, requestId, entry);
    const record: BehindRecord = {
      keys: [key, this.keys.requestIndex(sessionId)],
      args: [toolId, String(windowMs), this.hostId(), token, requestId],
    };
    const written = this.behind.add(record);
    entry.written = written.catch(() => {});
    leases.track(lease, written);
    written.catch(() => {
      // The record may not be in Redis: stop claiming locally (the repair keeps trying).
      leases.lost(sessionId);
      // Read at each try: by then the attempt may have its outcome, or have failed (nothing to record).
      const write = () =>
        record.dropped
          ? Promise.resolve(0)
          : this.redis.eval(RECORD, record.keys, [...record.args, record.outcome ?? ""]);
      this.repair(write, until);
    });
    const running = run().then(
      (outcome) => {
        entry.running = undefined;
        if (!record.sent) {
          // Not sent yet: the record goes out with its outcome, in one script.
          record.outcome = Buffer.from(toBinary(ExecuteToolResponseSchema, outcome));
          return outcome;
        }
        // After the response is on its way; a repeat elsewhere polls the running record until this lands.
        setImmediate(() => {
          record.outcome = Buffer.from(toBinary(ExecuteToolResponseSchema, outcome));
          const done = [token, record.outcome, String(windowMs)];
          this.repair(() => this.redis.evalSoon(COMPLETE, [key], done), until);
        });
        return outcome;
      },
      (error: unknown) => {
        entry.running = undefined;
        leases.forget(sessionId, requestId, entry);
        const sent = record.sent;
        record.dropped = true;
        if (sent) this.repair(() => this.redis.evalSoon(RELEASE, [key], [token]), until);
        throw error;
      },
    );
    entry.running = running;
    return running;
  }

  private async claimInRedis(
    sessionId: string,
    requestId: string,
    toolId: string,
    windowMs: number,
    cancelled: () => boolean,
    run: () => Promise<ExecuteToolResponse>,
  ): Promise<ExecuteToolResponse> {
    const key = this.keys.request(sessionId, requestId);
    const keys = [key, this.keys.lease(sessionId), this.keys.requestIndex(sessionId)];
    const window = String(windowMs);
    const backoff = String(CONTENDED_BACKOFF_MS);
    let pollMs = FIRST_POLL_MS;
    this.leases?.noteRemote(sessionId, requestId, toolId);
    for (;;) {
      const token = this.nextToken();
      const prior = (await this.write(key, windowMs, token, () =>
        this.redis.eval(CLAIM, keys, [toolId, window, this.hostId(), token, this.ledgerId, requestId, backoff]),
      )) as ClaimReply | null;
      if (prior === null) {
        this.leases?.maybeAcquire(sessionId);
        return this.runClaimed(key, windowMs, token, run);
      }
      if (prior !== 1) {
        const [owner, outcome, host, priorToken] = prior;
        if (owner.toString("utf8") !== toolId) throw reusedFor(sessionId, requestId, toolId, owner.toString("utf8"));
        if (outcome) return fromBinary(ExecuteToolResponseSchema, outcome);
        this.checkWaiting(sessionId, requestId, cancelled);
        if (host && host.length > 0 && priorToken && !(await this.alive(host.toString("utf8")))) {
          // That attempt will never finish: its host stopped beating.
          const next = this.nextToken();
          const args = [priorToken, toolId, window, this.hostId(), next];
          const taken = await this.write(key, windowMs, next, () => this.redis.eval(TAKE_OVER, [key], args));
          if (taken === 1) return this.runClaimed(key, windowMs, next, run);
          continue;
        }
      } else {
        // Another host leases the session: its record (if it claimed this id) lands within ms, or it hands over.
        this.checkWaiting(sessionId, requestId, cancelled);
      }
      await sleep(pollMs);
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  private checkWaiting(sessionId: string, requestId: string, cancelled: () => boolean): void {
    if (this.closed) throw hostError("Unavailable", "host shutting down", { request_id: requestId });
    if (cancelled()) {
      throw hostError("Cancelled", "call cancelled while waiting for the outcome of its first attempt", {
        session_id: sessionId,
        request_id: requestId,
      });
    }
  }

  /** Unique per attempt over all hosts: a random prefix per ledger and a counter (cheaper than a UUID per call). */
  private nextToken(): string {
    return `${this.tokenPrefix}${++this.attempts}`;
  }

  close(): void {
    this.closed = true;
    this.behind.flush();
    this.leases?.close();
    clearTimeout(this.repairTimer);
    this.repairs = [];
  }

  private async runClaimed(key: string, windowMs: number, token: string, run: () => Promise<ExecuteToolResponse>) {
    const until = Date.now() + windowMs;
    let outcome: ExecuteToolResponse;
    try {
      outcome = await run();
    } catch (error) {
      // Ended without an outcome (limit, cancel, shutdown): forget it so a retry or a waiter can run.
      this.repair(() => this.redis.eval(RELEASE, [key], [token]), until);
      throw error;
    }
    // After the response is on its way, sharing a write with the next command this host sends (within
    // 1 ms): a repeat arriving meanwhile sees the record running and polls until this lands.
    setImmediate(() => {
      const args = [token, Buffer.from(toBinary(ExecuteToolResponseSchema, outcome)), String(windowMs)];
      this.repair(() => this.redis.evalSoon(COMPLETE, [key], args), until);
    });
    return outcome;
  }

  /**
   * A claim whose reply never came may still have been made (Redis hung, or
   * the connection dropped after sending): it is released later, so it does not
   * hold the request_id for the whole window.
   */
  private async write(key: string, windowMs: number, token: string, claim: () => Promise<unknown>) {
    try {
      return await claim();
    } catch (error) {
      if (error instanceof ToolBridgeError && error.code === "Unavailable") {
        this.repair(() => this.redis.eval(RELEASE, [key], [token]), Date.now() + windowMs);
      }
      throw error;
    }
  }

  private async alive(host: string): Promise<boolean> {
    return (await this.redis.command(["EXISTS", this.keys.host(host)])) === 1;
  }

  /** Writes now, or keeps trying while Redis is away (never after `until`: the record has expired by then). */
  private repair(write: () => Promise<unknown>, until: number): void {
    write().catch(() => {
      if (this.closed) return;
      this.repairs.push({ write, until });
      this.repairTimer ??= setTimeout(() => this.retryRepairs(), REPAIR_INTERVAL_MS).unref();
    });
  }

  private retryRepairs(): void {
    this.repairTimer = undefined;
    const due = this.repairs;
    this.repairs = [];
    const now = Date.now();
    for (const r of due) if (r.until > now) this.repair(r.write, r.until);
  }
}

function reusedFor(sessionId: string, requestId: string, toolId: string, owner: string) {
  return hostError("InvalidArgument", `request_id ${requestId} was already used for tool ${owner}`, {
    session_id: sessionId,
    request_id: requestId,
    tool_name: toolId,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
