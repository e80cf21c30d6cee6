import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema } from "@toolbridge/protocol";
import type { RedisConnection } from "../store/redis/connection.js";
import { script } from "../store/redis/connection.js";

/** Who serves a tool this host lacks. `address` is "" when every owner is gone. */
export interface ToolOwner {
  readonly hostId: string;
  readonly address: string;
  readonly spec: ToolSpec;
}

/**
 * KEYS: the session's owner hash of the tool, the global one. ARGV: host key
 * prefix, this host's id. Owner hashes map host id -> ToolSpec bytes. Returns
 * {host id, address, spec} of a live owner (its heartbeat key exists), else of
 * a dead one with address "", else nil.
 */
const LOOKUP = script(`
for _, key in ipairs(KEYS) do
  local owners = redis.call('HGETALL', key)
  if #owners > 0 then
    local dead = nil
    for i = 1, #owners, 2 do
      if owners[i] ~= ARGV[2] then
        local address = redis.call('GET', ARGV[1] .. owners[i])
        if address then return {owners[i], address, owners[i + 1]} end
        dead = dead or {owners[i], '', owners[i + 1]}
      end
    end
    if dead then return dead end
  end
end
return nil
`);

/**
 * The cluster's shared directory in Redis: which hosts are alive (a key per
 * host, kept by a heartbeat, gone when the host stops beating) and which hosts
 * serve which tools, globally or for one session.
 */
export class ClusterDirectory {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  /** Says this host is alive at `address` for ttlMs; true when the key was missing (first beat, or Redis lost its data). */
  async beat(hostId: string, address: string, ttlMs: number): Promise<boolean> {
    const previous = await this.redis.command(["SET", this.hostKey(hostId), address, "PX", String(ttlMs), "GET"]);
    return previous === null;
  }

  async leave(hostId: string): Promise<void> {
    await this.redis.command(["DEL", this.hostKey(hostId)]);
  }

  /** Records that hostId serves the tool (under its name and its id). */
  async advertise(hostId: string, sessionId: string, spec: ToolSpec): Promise<void> {
    const bytes = Buffer.from(toBinary(ToolSpecSchema, spec));
    for (const key of this.ownerKeys(sessionId, spec)) await this.redis.command(["HSET", key, hostId, bytes]);
  }

  async withdraw(hostId: string, sessionId: string, spec: ToolSpec): Promise<void> {
    for (const key of this.ownerKeys(sessionId, spec)) await this.redis.command(["HDEL", key, hostId]);
  }

  /** The owner of a tool a session calls: the session's own first, then a global one. */
  async lookup(selfId: string, sessionId: string, toolId: string): Promise<ToolOwner | undefined> {
    const keys = [this.ownerKey(sessionId, toolId), this.ownerKey("", toolId)];
    const reply = (await this.redis.eval(LOOKUP, keys, [this.hostKey(""), selfId])) as [Buffer, Buffer, Buffer] | null;
    if (!reply) return undefined;
    const [hostId, address, spec] = reply;
    return { hostId: hostId.toString("utf8"), address: address.toString("utf8"), spec: fromBinary(ToolSpecSchema, spec) };
  }

  private hostKey(hostId: string): string {
    return `${this.prefix}host:${hostId}`;
  }

  private ownerKey(sessionId: string, tool: string): string {
    return sessionId === "" ? `${this.prefix}own:g:${tool}` : `${this.prefix}own:s:{${sessionId}}:${tool}`;
  }

  private ownerKeys(sessionId: string, spec: ToolSpec): string[] {
    const names = new Set([spec.name, spec.toolId].filter((n) => n !== ""));
    return [...names].map((name) => this.ownerKey(sessionId, name));
  }
}
