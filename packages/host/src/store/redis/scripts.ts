// Lua scripts of the Redis session store. Each runs atomically, so no other host
// ever sees a half-created or half-cleaned session, and versions and watch
// sequence numbers are assigned in one place. Time is Redis's own clock (TIME),
// so hosts with skewed clocks still agree on idle expiry.
import { type Script, script } from "./connection.js";

/**
 * Shared head of every per-session script.
 * KEYS: session hash, tools (name -> spec), tool ids (id -> name), variables
 * (name -> Variable), versions (name -> n), tombstone, live-session index (zset
 * of id -> idle deadline), tool owners (name -> id of the host that runs it). ARGV: session id, tombstone TTL, session-ended
 * channel, origin (the store instance, so it can skip its own cleanup notices),
 * key grace ms, then the script's own arguments from ARGV[6].
 */
const HEAD = `
local K_SESS, K_TOOLS, K_IDS, K_VARS, K_VERS, K_TOMB, K_LIVE, K_OWN = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local SID, TOMB_TTL, ENDED, ORIGIN, GRACE = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Ends the session: frees everything, leaves a tombstone (SessionExpired, not
-- SessionNotFound, for a while) and tells every host.
local function finish(reason, origin)
  redis.call('DEL', K_SESS, K_TOOLS, K_IDS, K_VARS, K_VERS, K_OWN)
  redis.call('SET', K_TOMB, '1', 'PX', TOMB_TTL)
  redis.call('ZREM', K_LIVE, SID)
  redis.call('PUBLISH', ENDED, reason .. '|' .. origin .. '|' .. SID)
end

-- nil when the session is live, else the error to return. A session found
-- idle past its TTL (Redis may not have dropped its keys yet) is ended here.
local function dead()
  local s = redis.call('HMGET', K_SESS, 'lastActiveAt', 'ttl')
  if s[1] then
    if NOW - tonumber(s[1]) <= tonumber(s[2]) then return nil end
    finish('expired', '')
    return redis.error_reply('TB:SessionExpired')
  end
  if redis.call('EXISTS', K_TOMB) == 1 then return redis.error_reply('TB:SessionExpired') end
  if redis.call('ZSCORE', K_LIVE, SID) then
    finish('expired', '')
    return redis.error_reply('TB:SessionExpired')
  end
  return redis.error_reply('TB:SessionNotFound')
end

-- Activity: restarts the idle timer of the session and the expiry of its keys.
local function touch()
  local ttl = tonumber(redis.call('HGET', K_SESS, 'ttl'))
  redis.call('HSET', K_SESS, 'lastActiveAt', NOW)
  for _, k in ipairs({K_SESS, K_TOOLS, K_IDS, K_VARS, K_VERS, K_OWN}) do redis.call('PEXPIRE', k, ttl + GRACE) end
  redis.call('ZADD', K_LIVE, NOW + ttl, SID)
end

local function state()
  local h = redis.call('HMGET', K_SESS, 'meta', 'owner', 'config', 'createdAt', 'lastActiveAt', 'ttl')
  return {h[1], h[2], h[3], tonumber(h[4]), tonumber(h[5]), tonumber(h[6]),
    redis.call('HLEN', K_TOOLS), redis.call('HLEN', K_VARS)}
end
`;

const sessionScript = (body: string): Script => script(`${HEAD}\n${body}`);

/**
 * ARGV[6..]: idle TTL, live sessions this shard may hold (the cap less the other
 * shards' sessions), metadata JSON, owner, SessionConfig bytes.
 */
export const CREATE = sessionScript(`
local ttl, max = tonumber(ARGV[6]), tonumber(ARGV[7])
local s = redis.call('HMGET', K_SESS, 'lastActiveAt', 'ttl')
if s[1] then
  if NOW - tonumber(s[1]) <= tonumber(s[2]) then return redis.error_reply('TB:AlreadyExists') end
  finish('expired', '')
elseif redis.call('ZSCORE', K_LIVE, SID) then
  finish('expired', '')
end
if redis.call('ZCOUNT', K_LIVE, NOW, '+inf') >= max then return redis.error_reply('TB:ResourceExhausted') end
redis.call('DEL', K_TOOLS, K_IDS, K_VARS, K_VERS, K_TOMB, K_OWN)
redis.call('HSET', K_SESS, 'meta', ARGV[8], 'owner', ARGV[9], 'config', ARGV[10],
  'createdAt', NOW, 'lastActiveAt', NOW, 'ttl', ttl, 'seq', 0)
redis.call('PEXPIRE', K_SESS, ttl + GRACE)
redis.call('ZADD', K_LIVE, NOW + ttl, SID)
return state()
`);

/** ARGV[6]: "1" to mark the session active. */
export const READ = sessionScript(`
local err = dead()
if err then return err end
if ARGV[6] == '1' then touch() end
return state()
`);

export const CLEANUP = sessionScript(`
local err = dead()
if err then return err end
local counts = {redis.call('HLEN', K_VARS), redis.call('HLEN', K_TOOLS)}
finish('cleanup', ORIGIN)
return counts
`);

/**
 * ARGV[6..]: id of the host that runs the tools ("" = unrecorded), a count k,
 * k ids of hosts found gone (heartbeat expired) whose tools of the same names
 * may be taken over, then triples of name, tool id, ToolSpec bytes. A name
 * already registered is AlreadyExists unless its recorded owner is one of the
 * k (checked here, atomically with the takeover).
 */
export const REGISTER_TOOLS = sessionScript(`
local err = dead()
if err then return err end
local first = 8 + tonumber(ARGV[7])
local gone, taken = {}, {}
for i = 8, first - 1 do gone[ARGV[i]] = true end
for i = first, #ARGV, 3 do
  if redis.call('HEXISTS', K_TOOLS, ARGV[i]) == 1 then
    local owner = redis.call('HGET', K_OWN, ARGV[i])
    if not (owner and gone[owner]) then return redis.error_reply('TB:AlreadyExists:' .. ARGV[i]) end
    taken[ARGV[i]] = true
  end
end
if next(taken) then
  -- The old specs' tool ids go with them.
  local ids = redis.call('HGETALL', K_IDS)
  for j = 1, #ids, 2 do
    if taken[ids[j + 1]] then redis.call('HDEL', K_IDS, ids[j]) end
  end
end
for i = first, #ARGV, 3 do
  redis.call('HSET', K_TOOLS, ARGV[i], ARGV[i + 2])
  if ARGV[i + 1] ~= '' then redis.call('HSET', K_IDS, ARGV[i + 1], ARGV[i]) end
  if ARGV[6] ~= '' then redis.call('HSET', K_OWN, ARGV[i], ARGV[6]) end
end
touch()
return #ARGV
`);

/** ARGV[6..]: names. Returns how many were registered. */
export const UNREGISTER_TOOLS = sessionScript(`
local err = dead()
if err then return err end
local removed = 0
local ids = redis.call('HGETALL', K_IDS)
for i = 6, #ARGV do
  if redis.call('HDEL', K_TOOLS, ARGV[i]) == 1 then removed = removed + 1 end
  redis.call('HDEL', K_OWN, ARGV[i])
  for j = 1, #ids, 2 do
    if ids[j + 1] == ARGV[i] then redis.call('HDEL', K_IDS, ids[j]) end
  end
end
return removed
`);

/** ARGV[6]: tool id or name. Returns the ToolSpec bytes or nil. */
export const GET_TOOL = sessionScript(`
local err = dead()
if err then return err end
local spec = redis.call('HGET', K_TOOLS, ARGV[6])
if spec then return spec end
local name = redis.call('HGET', K_IDS, ARGV[6])
if name then return redis.call('HGET', K_TOOLS, name) end
return nil
`);

export const LIST_TOOLS = sessionScript(`
local err = dead()
if err then return err end
return redis.call('HVALS', K_TOOLS)
`);

/** ARGV[6]: variable name. Returns {Variable bytes or nil, version}. */
export const GET_VARIABLE = sessionScript(`
local err = dead()
if err then return err end
return {redis.call('HGET', K_VARS, ARGV[6]), tonumber(redis.call('HGET', K_VERS, ARGV[6]) or '0')}
`);

/**
 * Compare-and-set of one variable. ARGV[6..]: watch channel, name, the version
 * the new value was built on, "1" when that version is the caller's expected
 * version (a mismatch is then a Conflict, else the caller rebuilds and retries),
 * the new Variable bytes, the session's variable count and byte limits (bytes =
 * stored Variable bytes, kept in the session hash as 'vbytes'). Returns the new
 * version, or -1 to retry; publishes "<seq>|SET|<bytes>" on the session's watch channel.
 */
export const SET_VARIABLE = sessionScript(`
local err = dead()
if err then return err end
local channel, name, base, strict = ARGV[6], ARGV[7], tonumber(ARGV[8]), ARGV[9] == '1'
local current = tonumber(redis.call('HGET', K_VERS, name) or '0')
if current ~= base then
  if strict then return redis.error_reply('TB:Conflict:' .. current) end
  return -1
end
if current == 0 and redis.call('HLEN', K_VARS) >= tonumber(ARGV[11]) then
  return redis.error_reply('TB:VariableLimit:count')
end
local held = tonumber(redis.call('HGET', K_SESS, 'vbytes') or '0') - redis.call('HSTRLEN', K_VARS, name) + #ARGV[10]
if held > tonumber(ARGV[12]) then return redis.error_reply('TB:VariableLimit:bytes:' .. held) end
redis.call('HSET', K_SESS, 'vbytes', held)
redis.call('HSET', K_VARS, name, ARGV[10])
redis.call('HSET', K_VERS, name, current + 1)
local seq = redis.call('HINCRBY', K_SESS, 'seq', 1)
touch()
redis.call('PUBLISH', channel, seq .. '|SET|' .. ARGV[10])
return current + 1
`);

/** ARGV[6..]: watch channel, name, expected version ("" = any). Returns 1 when deleted. */
export const DELETE_VARIABLE = sessionScript(`
local err = dead()
if err then return err end
local channel, name = ARGV[6], ARGV[7]
local current = tonumber(redis.call('HGET', K_VERS, name) or '0')
if ARGV[8] ~= '' and tonumber(ARGV[8]) ~= current then return redis.error_reply('TB:Conflict:' .. current) end
if current == 0 then return 0 end
local bytes = redis.call('HGET', K_VARS, name)
redis.call('HINCRBY', K_SESS, 'vbytes', -#bytes)
redis.call('HDEL', K_VARS, name)
redis.call('HDEL', K_VERS, name)
local seq = redis.call('HINCRBY', K_SESS, 'seq', 1)
redis.call('PUBLISH', channel, seq .. '|DELETED|' .. bytes)
return 1
`);

/**
 * The session's watch sequence number: a watch without initial values still
 * drops changes made before it started, which on Redis Cluster can reach the
 * subscriber after it subscribed (PUBLISH travels between nodes).
 */
export const WATCH_SEQ = sessionScript(`
local err = dead()
if err then return err end
return tonumber(redis.call('HGET', K_SESS, 'seq') or '0')
`);

/** Every variable and the watch sequence number they were read at: {seq, name, bytes, name, bytes...}. */
export const SNAPSHOT_VARIABLES = sessionScript(`
local err = dead()
if err then return err end
local out = {tonumber(redis.call('HGET', K_SESS, 'seq') or '0')}
local all = redis.call('HGETALL', K_VARS)
for i = 1, #all do out[#out + 1] = all[i] end
return out
`);

/** KEYS: a shard's live index. Its live sessions right now. */
export const COUNT = script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], now, '+inf')
`);

/**
 * KEYS: a shard's live index. ARGV: the shard's key base (keys.ts), tombstone
 * TTL, session-ended channel, batch size. Ends up to a batch of the shard's
 * sessions idle past their TTL, each exactly once whichever host sweeps. The
 * session keys it builds carry the shard's hash tag: one slot on Redis Cluster.
 */
export const SWEEP = script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local base, tombTtl, ended = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, sid in ipairs(ids) do
  redis.call('DEL', base .. 'sess:' .. sid, base .. 'tools:' .. sid, base .. 'ids:' .. sid, base .. 'vars:' .. sid,
    base .. 'vers:' .. sid, base .. 'owners:' .. sid)
  redis.call('SET', base .. 'tomb:' .. sid, '1', 'PX', tombTtl)
  redis.call('ZREM', KEYS[1], sid)
  redis.call('PUBLISH', ended, 'expired||' .. sid)
end
return #ids
`);
