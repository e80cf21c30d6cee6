import type { ExecuteToolResponse } from "@toolbridge/protocol";
import { type RedisConnection, script } from "./connection.js";
import type { RedisKeys } from "./keys.js";

/**
 * A session's lease hash: 'h' the ledger that holds (or last held) it, 'u'
 * until when it is held (Redis ms), 'c' "1" once another host wanted to claim
 * one of the session's request_ids while it was held, 'x' no lease is taken
 * before then (Redis ms: set on contention, so two hosts sharing a session do
 * not pass the lease back and forth). 'h' outlives the lease: while it still
 * names this ledger nobody else has claimed a request_id of the session since,
 * so this ledger's memory covers every record and it need not read the index.
 *
 * ACQUIRE. KEYS: lease, request index. ARGV: ledger id, lease ms, "1" when this
 * ledger's memory of the session is complete, most ids to load, window ms.
 * {1, request_ids...} when taken (ids: the records this ledger must not claim
 * locally), {0} when held elsewhere, backing off or too many records to load.
 */
const ACQUIRE = script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local l = redis.call('HMGET', KEYS[1], 'h', 'u', 'x')
if l[1] and l[1] ~= ARGV[1] and tonumber(l[2] or '0') > now then return {0} end
if tonumber(l[3] or '0') > now then return {0} end
local out = {1}
if not (l[1] == ARGV[1] and ARGV[3] == '1') then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[4]) then return {0} end
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do out[#out + 1] = id end
end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'u', now + tonumber(ARGV[2]), 'c', '0')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]) + tonumber(ARGV[2]))
return out
`);

/** KEYS: lease. ARGV: ledger id, lease ms. 1 renewed, 0 another host waits (hand over), -1 lost. */
const RENEW = script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local l = redis.call('HMGET', KEYS[1], 'h', 'u', 'c')
if l[1] ~= ARGV[1] or tonumber(l[2] or '0') <= now then return -1 end
if l[3] == '1' then return 0 end
redis.call('HSET', KEYS[1], 'u', now + tonumber(ARGV[2]))
return 1
`);

/** KEYS: lease. ARGV: ledger id. Ends this ledger's lease now ('h' stays: see ACQUIRE). */
const RELEASE_LEASE = script(`
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('HSET', KEYS[1], 'u', '0', 'c', '0') end
return 1
`);

/**
 * Record of a request_id claimed under the lease, written behind (the tool is
 * already running, or done: then with its outcome). KEYS: record, request
 * index. ARGV: tool id, window ms, host id, token, request_id, outcome bytes
 * ("" = still running). 0 if a record was there already (see docs/scale-out.md:
 * only when the lease lapsed under a stalled holder).
 */
export const RECORD = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('HSET', KEYS[1], 't', ARGV[1], 'h', ARGV[3], 'a', ARGV[4])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[6]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

export interface LeaseOptions {
  /** How long a lease lasts in Redis unless renewed. */
  readonly leaseMs: number;
}

/** Most request_ids a host loads when it takes a lease; past it the session stays on per-call claims. */
const MAX_LOAD = 10_000;
/** Request_ids remembered under leases, over all sessions; past it every lease is given up and memory dropped. */
const MAX_ENTRIES = 500_000;
/** Entries are kept this much past the window (records expire by Redis's clock, entries by this host's). */
const ENTRY_SLACK_MS = 5_000;
const SWEEP_MS = 5_000;

/** A request_id this host knows of in a session it leases. */
export interface Entry {
  readonly toolId: string;
  readonly expiresAt: number;
  /** "local": claimed here under the lease; "remote": it has a record in Redis, ask there. */
  readonly kind: "local" | "remote";
  /** A local claim's attempt while it runs. */
  running?: Promise<ExecuteToolResponse> | undefined;
  /** A local claim's record write, settled once it reached Redis (or failed). */
  written?: Promise<unknown>;
}

/** This host's view of one session's lease. */
export class SessionLease {
  /** Local claims allowed until then (this host's clock; 0 = not held). */
  validUntil = 0;
  acquiring = false;
  /** A renewal is on its way (local claims go on until validUntil). */
  renewing = false;
  /** Calls claimed locally since the last renewal: an idle lease is given back. */
  used = false;
  /** Set once this ledger's entries cover every record of the session (see ACQUIRE). */
  complete = false;
  /** No acquire attempt before then (this host's clock). */
  notBefore = 0;
  timer: NodeJS.Timeout | undefined;
  readonly entries = new Map<string, Entry>();
  /** Record writes not yet answered: the lease is released only after they land. */
  readonly pending = new Set<Promise<unknown>>();
}

/**
 * Per-session request leases of one ledger (see RedisRequestLedger). While this
 * host holds a session's lease (valid by its own clock, counted from when it sent
 * the acquire or renew, less a quarter of the lease as margin) it claims the
 * session's request_ids in memory and writes the records behind; every other host
 * finds the lease in its CLAIM script and waits. Leases are taken in the
 * background after a call claimed through Redis, renewed while calls keep coming,
 * given back when idle or when another host wants to claim, and dropped (local
 * claims stop at once) when a renewal fails or the connection reports an error.
 */
export class RequestLeases {
  private readonly sessions = new Map<string, SessionLease>();
  private entryCount = 0;
  private closed = false;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    /** This ledger's id, unique over all hosts and restarts. */
    private readonly id: string,
    private readonly options: LeaseOptions,
    private readonly windowMs: () => number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS).unref();
    redis.onError(() => {
      for (const [sid, lease] of this.sessions) if (lease.validUntil > 0) this.end(sid, lease, false);
    });
  }

  /** The session's lease state when this host may claim its request_ids locally right now. */
  held(sessionId: string): SessionLease | undefined {
    const lease = this.sessions.get(sessionId);
    return lease && lease.validUntil > Date.now() ? lease : undefined;
  }

  /** True while this host claims the session's request_ids locally (for tests and metrics). */
  holds(sessionId: string): boolean {
    return this.held(sessionId) !== undefined;
  }

  /** Remembers a local claim (the caller runs it and writes its record). */
  claimLocally(lease: SessionLease, requestId: string, entry: Entry): void {
    lease.used = true;
    this.remember(lease, requestId, entry);
  }

  /** Tracks a record write: the lease is released only after it is answered. */
  track(lease: SessionLease, write: Promise<unknown>): void {
    lease.pending.add(write);
    write.finally(() => lease.pending.delete(write)).catch(() => {});
  }

  /** Something written under the lease may be missing from Redis: local claims stop at once. */
  lost(sessionId: string): void {
    const lease = this.sessions.get(sessionId);
    if (lease && lease.validUntil > 0) this.end(sessionId, lease, false);
  }

  /** A local claim that ended without an outcome is forgotten, so a retry here claims again. */
  forget(sessionId: string, requestId: string, entry: Entry): void {
    const lease = this.sessions.get(sessionId);
    if (lease?.entries.get(requestId) === entry) {
      lease.entries.delete(requestId);
      this.entryCount--;
    }
  }

  /** A request_id about to be claimed through Redis: once this host leases the session it must ask Redis for it. */
  noteRemote(sessionId: string, requestId: string, toolId: string): void {
    const lease = this.sessions.get(sessionId);
    if (lease && !lease.entries.has(requestId)) this.remember(lease, requestId, this.remote(toolId));
  }

  /** Takes the session's lease in the background unless held, being taken, or backing off. */
  maybeAcquire(sessionId: string): void {
    if (this.closed) return;
    let lease = this.sessions.get(sessionId);
    if (!lease) {
      lease = new SessionLease();
      this.sessions.set(sessionId, lease);
    }
    const now = Date.now();
    if (lease.acquiring || lease.renewing || lease.validUntil > now || now < lease.notBefore) return;
    if (this.entryCount >= MAX_ENTRIES) return;
    lease.acquiring = true;
    const target = lease;
    const args = [this.id, String(this.options.leaseMs), target.complete ? "1" : "0", String(MAX_LOAD)];
    args.push(String(this.windowMs()));
    const sentAt = Date.now();
    this.redis
      .eval(ACQUIRE, [this.keys.lease(sessionId), this.keys.requestIndex(sessionId)], args)
      .then((reply) => {
        const [taken, ...ids] = reply as [number, ...Buffer[]];
        if (this.closed || this.sessions.get(sessionId) !== target) return;
        if (taken !== 1) {
          target.notBefore = Date.now() + this.options.leaseMs;
          return;
        }
        for (const id of ids) this.noteRemote(sessionId, id.toString("utf8"), "");
        target.complete = true;
        target.used = false;
        this.hold(sessionId, target, sentAt);
      })
      .catch(() => {
        target.notBefore = Date.now() + this.options.leaseMs;
      })
      .finally(() => {
        target.acquiring = false;
      });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const [sid, lease] of this.sessions) {
      clearTimeout(lease.timer);
      // Deferred writes go out in order when the connection closes: the records first, then this release.
      if (lease.validUntil > 0) {
        this.redis.evalSoon(RELEASE_LEASE, [this.keys.lease(sid)], [this.id]).catch(() => {});
      }
      lease.validUntil = 0;
    }
    this.sessions.clear();
  }

  private remote(toolId: string): Entry {
    return { toolId, kind: "remote", expiresAt: Date.now() + this.windowMs() + ENTRY_SLACK_MS };
  }

  private remember(lease: SessionLease, requestId: string, entry: Entry): void {
    if (!lease.entries.has(requestId)) this.entryCount++;
    lease.entries.set(requestId, entry);
  }

  /** Holds the lease from a reply to a request sent at `sentAt`, renewing it while it is used. */
  private hold(sessionId: string, lease: SessionLease, sentAt: number): void {
    const { leaseMs } = this.options;
    lease.validUntil = sentAt + leaseMs - leaseMs / 4;
    lease.timer = setTimeout(() => this.renew(sessionId, lease), leaseMs / 4);
    lease.timer.unref();
  }

  private renew(sessionId: string, lease: SessionLease): void {
    lease.timer = undefined;
    if (this.closed || lease.validUntil === 0) return;
    if (!lease.used) {
      this.end(sessionId, lease, true, 0);
      return;
    }
    lease.used = false;
    lease.renewing = true;
    const sentAt = Date.now();
    this.redis.eval(RENEW, [this.keys.lease(sessionId)], [this.id, String(this.options.leaseMs)]).then(
      (reply) => {
        lease.renewing = false;
        if (this.closed || lease.validUntil === 0) return;
        if (reply === 1) this.hold(sessionId, lease, sentAt);
        else this.end(sessionId, lease, reply === 0);
      },
      () => {
        lease.renewing = false;
        this.end(sessionId, lease, false);
      },
    );
  }

  /**
   * Stops local claims at once; gives the lease back once every record claimed
   * under it has reached Redis (a host waiting on the lease then finds them).
   */
  private end(sessionId: string, lease: SessionLease, release: boolean, pauseMs = this.options.leaseMs): void {
    lease.validUntil = 0;
    clearTimeout(lease.timer);
    lease.timer = undefined;
    // Not taken again at once after a hand-over or a failure (an idle lease may be taken again at once).
    lease.notBefore = Date.now() + pauseMs;
    if (!release) return;
    const key = this.keys.lease(sessionId);
    // Blocks re-acquiring until released, so a release cannot land after a new acquire.
    lease.acquiring = true;
    Promise.allSettled([...lease.pending])
      .then(() => this.redis.eval(RELEASE_LEASE, [key], [this.id]))
      .catch(() => {})
      .finally(() => {
        lease.acquiring = false;
      });
  }

  /** Forgets expired request_ids, and sessions with neither a lease nor entries. */
  private sweep(): void {
    const now = Date.now();
    const overfull = this.entryCount > MAX_ENTRIES;
    for (const [sid, lease] of this.sessions) {
      if (overfull && lease.validUntil > 0) this.end(sid, lease, true);
      for (const [rid, entry] of lease.entries) {
        // Overfull: memory is dropped; the next lease on the session reads the index again.
        if ((overfull || entry.expiresAt < now) && !entry.running) {
          lease.entries.delete(rid);
          this.entryCount--;
          if (overfull) lease.complete = false;
        }
      }
      if (lease.entries.size === 0 && lease.validUntil === 0 && !lease.acquiring && !lease.renewing) {
        this.sessions.delete(sid);
      }
    }
  }
}
