import type { SharedRateLimits } from "../types.js";
import { type RedisConnection, script } from "./connection.js";
import type { RedisKeys } from "./keys.js";

/**
 * KEYS: the bucket. ARGV: refill per minute, capacity. Takes one token: 0 when
 * taken, else ms until one is free. Redis's clock, so hosts agree.
 */
const TAKE = script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local perMs, cap = tonumber(ARGV[1]) / 60000, tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = math.min(cap, tonumber(b[1] or cap) + (now - tonumber(b[2] or now)) * perMs)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.max(1, math.ceil((1 - tokens) / perMs)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / perMs) + 1000)
return wait
`);

/** Token buckets every host shares: a session's rate limit holds whichever host its calls reach. */
export class RedisRateLimits implements SharedRateLimits {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
  ) {}

  async take(bucket: string, perMinute: number, capacity: number): Promise<number> {
    return (await this.redis.eval(TAKE, [this.keys.bucket(bucket)], [String(perMinute), String(capacity)])) as number;
  }
}
