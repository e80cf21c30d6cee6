import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ExecuteToolResponse, ExecuteToolResponseSchema } from "@toolbridge/protocol";
import { hostError } from "../../errors.js";
import type { RequestLedger } from "../types.js";
import { type RedisConnection, script } from "./connection.js";
import type { RedisKeys } from "./keys.js";

/**
 * KEYS: the request's record. ARGV: tool id, window ms, this host's id, host
 * heartbeat key prefix. nil when claimed, else {tool id, outcome or nil}. A
 * record still running on a host whose heartbeat is gone is taken over: that
 * attempt will never finish.
 */
const CLAIM = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  local r = redis.call('HMGET', KEYS[1], 't', 'o', 'h')
  if r[2] or not r[3] or r[3] == '' or redis.call('EXISTS', ARGV[4] .. r[3]) == 1 then return {r[1], r[2]} end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 't', ARGV[1], 'h', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return nil
`);

/** KEYS: the request's record. ARGV: outcome bytes, window ms. */
const COMPLETE = script(`
redis.call('HSET', KEYS[1], 'o', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;

/**
 * request_id records in Redis, so a retry that lands on another host still
 * gets the first outcome instead of running the tool again. A record is
 * claimed atomically when the call starts; a repeat that finds it still running
 * polls (with backoff) until the outcome is stored, its own call is cancelled or
 * times out, or the record goes away because the first attempt failed before the
 * tool ran (then the repeat runs, as on one host), or the host running the first
 * attempt stops beating (then the repeat takes over and runs).
 */
export class RedisRequestLedger implements RequestLedger {
  private closed = false;

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
      const args = [toolId, window, this.hostId(), this.keys.host("")];
      const prior = (await this.redis.eval(CLAIM, [key], args)) as [Buffer, Buffer | null] | null;
      if (prior === null) return this.runClaimed(key, window, run);
      const [owner, outcome] = prior;
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
      await sleep(pollMs);
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  close(): void {
    this.closed = true;
  }

  private async runClaimed(key: string, window: string, run: () => Promise<ExecuteToolResponse>) {
    let outcome: ExecuteToolResponse;
    try {
      outcome = await run();
    } catch (error) {
      // Failed before the tool ran (limit, cancel, shutdown): forget it so a retry can run.
      void this.redis.command(["DEL", key]).catch(() => {});
      throw error;
    }
    // After the response is on its way: a repeat arriving meanwhile sees the record running and polls until this lands.
    setImmediate(() => {
      this.redis
        .eval(COMPLETE, [key], [Buffer.from(toBinary(ExecuteToolResponseSchema, outcome)), window])
        .catch(() => this.redis.command(["DEL", key]).catch(() => {}));
    });
    return outcome;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
