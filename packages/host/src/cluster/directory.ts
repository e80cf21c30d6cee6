import { fromBinary } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema } from "@toolbridge/protocol";
import { type RedisConnection, script } from "../store/redis/connection.js";
import type { RedisKeys } from "../store/redis/keys.js";
import { ownerRecord, recordSpec } from "./owner-record.js";

/**
 * Who serves a tool this host lacks. `address` is "" when a session tool's
 * owner stopped sending heartbeats (only that host can run it).
 */
export interface ToolOwner {
  readonly hostId: string;
  readonly address: string;
  readonly spec: ToolSpec;
}

/**
 * KEYS: the session's tools, tool ids and owners (see the session store). ARGV:
 * tool id or name, this host's id. Returns {owner host id, spec} when the
 * session has the tool and another host runs it, else nil.
 */
const SESSION_OWNER = script(`
local name = ARGV[1]
if redis.call('HEXISTS', KEYS[1], name) == 0 then name = redis.call('HGET', KEYS[2], ARGV[1]) end
if not name then return nil end
local owner = redis.call('HGET', KEYS[3], name)
if not owner or owner == ARGV[2] then return nil end
return {owner, redis.call('HGET', KEYS[1], name)}
`);

/**
 * KEYS: a global tool's owner hash. ARGV: pairs of host id and the exact
 * record read for it. Deletes each field that still holds that record, so a
 * host that advertised again meanwhile (a new join token, or another host
 * altogether) keeps its record. Returns how many fields are left.
 */
const DROP_OWNERS = script(`
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return redis.call('HLEN', KEYS[1])
`);

/** KEYS: the cluster secret. ARGV: a secret to use if the cluster has none yet. Returns the cluster's secret. */
const SHARED_SECRET = script(`
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`);

/**
 * The cluster's shared directory in Redis: which hosts are alive (a key per
 * host holding its gRPC address, kept by a heartbeat and gone when the host
 * stops beating) and which hosts serve which tools. Session tools record their
 * owner in the session itself (atomically with their registration, freed with
 * the session); global tools have one owner hash per tool name and id.
 *
 * A global tool's owner whose heartbeat is gone no longer owns it: lookups and
 * listings skip it (another live owner serves the tool, else nobody does:
 * ToolNotFound, as on a single server once a worker's tool is removed), and
 * each host's listing refresh deletes its record (see DROP_OWNERS) and, once a
 * name has no owner left, the name.
 *
 * Every script and command touches one key, or keys of one session (which
 * share its hash tag), so the directory works on a single server and on Redis
 * Cluster alike. Reads spanning several keys (an owner and its heartbeat, the
 * owners of every global tool) are separate commands sent together: they are
 * hints, checked again by the call itself (a forward to a host that died
 * meanwhile fails with Unavailable, as it would a moment later anyway).
 */
export class ClusterDirectory {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * This host is alive at `address` for ttlMs. `rejoined` is true when its key
   * was missing (first beat, or Redis lost its data, or the host missed its
   * heartbeats and others may have dropped its records); `secret` is the
   * cluster's (`candidate` when there was none).
   */
  async beat(
    hostId: string,
    address: string,
    ttlMs: number,
    candidate: string,
  ): Promise<{ rejoined: boolean; secret: string }> {
    const [previous, secret] = (await Promise.all([
      this.redis.command(["SET", this.keys.host(hostId), address, "PX", String(ttlMs), "GET"]),
      this.redis.eval(SHARED_SECRET, [this.keys.clusterSecret], [candidate]),
    ])) as [Buffer | null, Buffer];
    return { rejoined: previous === null, secret: secret.toString("utf8") };
  }

  async leave(hostId: string): Promise<void> {
    await this.redis.command(["DEL", this.keys.host(hostId)]);
  }

  /**
   * Records that hostId serves a global tool (under its name and its id), with
   * the token of the host's current join (owner-record.ts).
   */
  async advertise(hostId: string, token: string, spec: ToolSpec): Promise<void> {
    const record = ownerRecord(token, spec);
    for (const key of this.ownerKeys(spec)) await this.redis.command(["HSET", key, hostId, record]);
    await this.redis.command(["SADD", this.keys.globalTools, spec.name]);
  }

  /**
   * Every global tool other live hosts serve, by name. Records of owners whose
   * heartbeat is gone are deleted, and names nobody serves any more leave the index.
   */
  async globalTools(selfId: string): Promise<Map<string, ToolOwner>> {
    const names = ((await this.redis.command(["SMEMBERS", this.keys.globalTools])) as Buffer[]).map((n) =>
      n.toString("utf8"),
    );
    const owners = await Promise.all(names.map((name) => this.ownersOf(name)));
    const addresses = await this.addresses(owners.flatMap((of) => [...of.keys()]).filter((id) => id !== selfId));
    const tools = new Map<string, ToolOwner>();
    const cleanups: Promise<void>[] = [];
    names.forEach((name, i) => {
      const of = owners[i] as Map<string, Buffer>;
      const dead = [...of].filter(([id]) => id !== selfId && !addresses.has(id));
      if (dead.length > 0 || of.size === 0) cleanups.push(this.dropDead(name, dead));
      const owner = pickOwner(of, addresses, selfId);
      if (owner) tools.set(name, owner);
    });
    await Promise.all(cleanups);
    return tools;
  }

  async withdraw(hostId: string, spec: ToolSpec): Promise<void> {
    for (const key of this.ownerKeys(spec)) await this.redis.command(["HDEL", key, hostId]);
  }

  /** The owner of a tool a session calls: the session's own tool first, then a global one served by a live host. */
  async lookup(selfId: string, sessionId: string, toolId: string): Promise<ToolOwner | undefined> {
    const [, tools, ids, , , , , owners] = this.keys.session(sessionId);
    // Both at once: the session's owner lives in the session's slot, the global owners in the tool's.
    const [own, global] = await Promise.all([
      this.redis.eval(SESSION_OWNER, [tools as string, ids as string, owners as string], [toolId, selfId]) as Promise<
        [Buffer, Buffer] | null
      >,
      this.ownersOf(toolId),
    ]);
    if (own) {
      // A session tool's owner is the only one that can run it, alive or not (a session tool whose
      // worker is gone stays the session's and fails with Unavailable on a single server too).
      const hostId = own[0].toString("utf8");
      const addresses = await this.addresses([hostId]);
      return { hostId, address: addresses.get(hostId) ?? "", spec: fromBinary(ToolSpecSchema, own[1]) };
    }
    const others = [...global.keys()].filter((id) => id !== selfId);
    return pickOwner(global, await this.addresses(others), selfId);
  }

  /** Hosts serving a global tool (by name or id): host id -> owner record. */
  private async ownersOf(tool: string): Promise<Map<string, Buffer>> {
    const flat = (await this.redis.command(["HGETALL", this.keys.globalOwners(tool)])) as Buffer[];
    const owners = new Map<string, Buffer>();
    for (let i = 0; i + 1 < flat.length; i += 2)
      owners.set((flat[i] as Buffer).toString("utf8"), flat[i + 1] as Buffer);
    return owners;
  }

  /** The address of each live host among hostIds (one heartbeat key each, read together). */
  private async addresses(hostIds: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(hostIds)];
    const replies = (await Promise.all(
      unique.map((id) => this.redis.command(["GET", this.keys.host(id)])),
    )) as (Buffer | null)[];
    const live = new Map<string, string>();
    unique.forEach((id, i) => {
      const address = replies[i];
      if (address) live.set(id, address.toString("utf8"));
    });
    return live;
  }

  /**
   * Deletes the records of a global tool's dead owners (as read: see
   * DROP_OWNERS), under its name and its id, then the name if no owner is left.
   */
  private async dropDead(name: string, dead: readonly (readonly [string, Buffer])[]): Promise<void> {
    const named = this.keys.globalOwners(name);
    // One script per owner hash (one key: one slot on Redis Cluster), with the records read for it.
    const byKey = new Map<string, (string | Buffer)[]>();
    for (const [hostId, record] of dead) {
      for (const key of new Set([named, ...this.ownerKeys(recordSpec(record))])) {
        byKey.set(key, [...(byKey.get(key) ?? []), hostId, record]);
      }
    }
    const left = await Promise.all([...byKey].map(([key, args]) => this.redis.eval(DROP_OWNERS, [key], args)));
    // The name's own hash comes first; `dead` is empty when it was already empty.
    if ((left[0] ?? 0) === 0) await this.forget(name);
  }

  /**
   * Drops a name nobody serves from the index. Not one script (the index and the
   * owner hash are in different slots): a host advertising the name meanwhile
   * writes its owner before the name, so the owner read after the removal sees
   * it, and the name goes back.
   */
  private async forget(name: string): Promise<void> {
    await this.redis.command(["SREM", this.keys.globalTools, name]);
    const owners = (await this.redis.command(["HLEN", this.keys.globalOwners(name)])) as number;
    if (owners > 0) await this.redis.command(["SADD", this.keys.globalTools, name]);
  }

  private ownerKeys(spec: ToolSpec): string[] {
    const names = new Set([spec.name, spec.toolId].filter((n) => n !== ""));
    return [...names].map((name) => this.keys.globalOwners(name));
  }
}

/** Another live host serving the tool (one with a heartbeat, hence an address), if any. */
function pickOwner(
  owners: ReadonlyMap<string, Buffer>,
  addresses: ReadonlyMap<string, string>,
  selfId: string,
): ToolOwner | undefined {
  for (const [hostId, record] of owners) {
    if (hostId === selfId) continue;
    const address = addresses.get(hostId);
    if (address) return { hostId, address, spec: recordSpec(record) };
  }
  return undefined;
}
