import { randomUUID } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ExecuteToolResponse, ExecuteToolResponseSchema, ToolBridgeError } from "@toolbridge/protocol";
import { hostError } from "../../errors.js";
import type { RequestLedger } from "../types.js";
import { type RedisConnection, script } from "./connection.js";
import type { RedisKeys } from "./keys.js";

/**
 * A request's record is a hash: 't' tool id, 'h' id of the host running it,
 * 'a' the attempt's token (so only that attempt completes or releases it), and
 * 'o' the outcome once there is one. Every script touches that one key, so
 * records are safe on Redis Cluster.
 *
 * KEYS: the record. ARGV: tool id, window ms, this host's id, a fresh token.
 * nil when claimed, else {tool id, outcome or nil, host, token}.
 */
const CLAIM = script(`
local r = redis.call('HMGET', KEYS[1], 't', 'o', 'h', 'a')
if r[1] then return r end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'h', ARGV[3], 'a', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return nil
`);

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

type ClaimReply = [tool: Buffer, outcome: Buffer | null, host: Buffer | null, token: Buffer | null];

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
  private readonly tokenPrefix = `${randomUUID()}.`;
  private attempts = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    /** Id of this host in its cluster ("" = none: its claims are never taken over). */
    private readonly hostId: () => string,
  ) {}

  async once(
    sessionId: string,
    requestId: string,
    toolId: string,
    windowMs: number,
    cancelled: () => boolean,
    run: () => Promise<ExecuteToolResponse>,
  ): Promise<ExecuteToolResponse> {
    const key = this.keys.request(sessionId, requestId);
    const window = String(windowMs);
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      const token = this.nextToken();
      const prior = (await this.write(key, windowMs, token, () =>
        this.redis.eval(CLAIM, [key], [toolId, window, this.hostId(), token]),
      )) as ClaimReply | null;
      if (prior === null) return this.runClaimed(key, windowMs, token, run);
      const [owner, outcome, host, priorToken] = prior;
      if (owner.toString("utf8") !== toolId) {
        throw hostError("InvalidArgument", `request_id ${requestId} was already used for tool ${owner}`, {
          session_id: sessionId,
          request_id: requestId,
          tool_name: toolId,
        });
      }
      if (outcome) return fromBinary(ExecuteToolResponseSchema, outcome);
      if (this.closed) throw hostError("Unavailable", "host shutting down", { request_id: requestId });
      if (cancelled()) {
        throw hostError("Cancelled", "call cancelled while waiting for the outcome of its first attempt", {
          session_id: sessionId,
          request_id: requestId,
        });
      }
      if (host && host.length > 0 && priorToken && !(await this.alive(host.toString("utf8")))) {
        // That attempt will never finish: its host stopped beating.
        const next = this.nextToken();
        const args = [priorToken, toolId, window, this.hostId(), next];
        const taken = await this.write(key, windowMs, next, () => this.redis.eval(TAKE_OVER, [key], args));
        if (taken === 1) return this.runClaimed(key, windowMs, next, run);
        continue;
      }
      await sleep(pollMs);
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  /** Unique per attempt over all hosts: a random prefix per ledger and a counter (cheaper than a UUID per call). */
  private nextToken(): string {
    return `${this.tokenPrefix}${++this.attempts}`;
  }

  close(): void {
    this.closed = true;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
