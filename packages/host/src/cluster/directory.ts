import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema } from "@toolbridge/protocol";
import { type RedisConnection, script } from "../store/redis/connection.js";
import type { RedisKeys } from "../store/redis/keys.js";

/** Who serves a tool this host lacks. `address` is "" when every owner is gone. */
export interface ToolOwner {
  readonly hostId: string;
  readonly address: string;
  readonly spec: ToolSpec;
}

/**
 * KEYS: the session's tools, tool ids and owners (see the session store), the
 * tool's global owner hash (host id -> ToolSpec bytes). ARGV: tool id or name,
 * host key prefix, this host's id. A session's own tool wins over a global one;
 * a live owner (heartbeat key present) over a dead one. Returns
 * {host id, address or "", spec} or nil.
 */
/**
 * KEYS: this host's heartbeat key, the cluster secret. ARGV: address, TTL ms, a
 * secret to use if the cluster has none yet. Returns {1 if the heartbeat key
 * already existed, the cluster's secret}.
 */
const BEAT = script(`
local had = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'NX')
return {had, redis.call('GET', KEYS[2])}
`);

const LOOKUP = script(`
local tool, hostPrefix, self = ARGV[1], ARGV[2], ARGV[3]
local name = tool
if redis.call('HEXISTS', KEYS[1], name) == 0 then name = redis.call('HGET', KEYS[2], tool) end
if name then
  local owner = redis.call('HGET', KEYS[3], name)
  if owner and owner ~= self then
    local address = redis.call('GET', hostPrefix .. owner) or ''
    return {owner, address, redis.call('HGET', KEYS[1], name)}
  end
end
local owners = redis.call('HGETALL', KEYS[4])
local dead = nil
for i = 1, #owners, 2 do
  if owners[i] ~= self then
    local address = redis.call('GET', hostPrefix .. owners[i])
    if address then return {owners[i], address, owners[i + 1]} end
    dead = dead or {owners[i], '', owners[i + 1]}
  end
end
return dead
`);

/**
 * KEYS: the index of global tool names. ARGV: owner-hash prefix, host key
 * prefix, this host's id. For every global tool some other host serves:
 * {name, host id, address or "", spec}, a live owner preferred. Names nobody
 * serves any more leave the index.
 */
const GLOBAL_TOOLS = script(`
local ownPrefix, hostPrefix, self = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local owners = redis.call('HGETALL', ownPrefix .. name)
  if #owners == 0 then
    redis.call('SREM', KEYS[1], name)
  else
    local pick = nil
    for i = 1, #owners, 2 do
      if owners[i] ~= self then
        local address = redis.call('GET', hostPrefix .. owners[i])
        if address then pick = {name, owners[i], address, owners[i + 1]}; break end
        pick = pick or {name, owners[i], '', owners[i + 1]}
      end
    end
    if pick then for _, v in ipairs(pick) do out[#out + 1] = v end end
  end
end
return out
`);

/**
 * The cluster's shared directory in Redis: which hosts are alive (a key per
 * host holding its gRPC address, kept by a heartbeat and gone when the host
 * stops beating) and which hosts serve which tools. Session tools record their
 * owner in the session itself (atomically with their registration, freed with
 * the session); global tools have one owner hash per tool name and id.
 */
export class ClusterDirectory {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * This host is alive at `address` for ttlMs. `rejoined` is true when its key
   * was missing (first beat, or Redis lost its data); `secret` is the cluster's
   * (`candidate` when there was none).
   */
  async beat(
    hostId: string,
    address: string,
    ttlMs: number,
    candidate: string,
  ): Promise<{ rejoined: boolean; secret: string }> {
    const keys = [this.keys.host(hostId), this.keys.clusterSecret];
    const [had, secret] = (await this.redis.eval(BEAT, keys, [address, String(ttlMs), candidate])) as [number, Buffer];
    return { rejoined: had === 0, secret: secret.toString("utf8") };
  }

  async leave(hostId: string): Promise<void> {
    await this.redis.command(["DEL", this.keys.host(hostId)]);
  }

  /** Records that hostId serves a global tool (under its name and its id). */
  async advertise(hostId: string, spec: ToolSpec): Promise<void> {
    const bytes = Buffer.from(toBinary(ToolSpecSchema, spec));
    for (const key of this.ownerKeys(spec)) await this.redis.command(["HSET", key, hostId, bytes]);
    await this.redis.command(["SADD", this.keys.globalTools, spec.name]);
  }

  /** Every global tool other hosts serve, by name (a live owner preferred). */
  async globalTools(selfId: string): Promise<Map<string, ToolOwner>> {
    const reply = (await this.redis.eval(
      GLOBAL_TOOLS,
      [this.keys.globalTools],
      [this.keys.globalOwners(""), this.keys.host(""), selfId],
    )) as Buffer[];
    const tools = new Map<string, ToolOwner>();
    for (let i = 0; i + 3 < reply.length; i += 4) {
      tools.set((reply[i] as Buffer).toString("utf8"), {
        hostId: (reply[i + 1] as Buffer).toString("utf8"),
        address: (reply[i + 2] as Buffer).toString("utf8"),
        spec: fromBinary(ToolSpecSchema, reply[i + 3] as Buffer),
      });
    }
    return tools;
  }

  async withdraw(hostId: string, spec: ToolSpec): Promise<void> {
    for (const key of this.ownerKeys(spec)) await this.redis.command(["HDEL", key, hostId]);
  }

  /** The owner of a tool a session calls: the session's own tool first, then a global one. */
  async lookup(selfId: string, sessionId: string, toolId: string): Promise<ToolOwner | undefined> {
    const [, tools, ids, , , , , owners] = this.keys.session(sessionId);
    const keys = [tools as string, ids as string, owners as string, this.keys.globalOwners(toolId)];
    const reply = (await this.redis.eval(LOOKUP, keys, [toolId, this.keys.host(""), selfId])) as
      | [Buffer, Buffer, Buffer]
      | null;
    if (!reply) return undefined;
    const [hostId, address, spec] = reply;
    return {
      hostId: hostId.toString("utf8"),
      address: address.toString("utf8"),
      spec: fromBinary(ToolSpecSchema, spec),
    };
  }

  private ownerKeys(spec: ToolSpec): string[] {
    const names = new Set([spec.name, spec.toolId].filter((n) => n !== ""));
    return [...names].map((name) => this.keys.globalOwners(name));
  }
}
