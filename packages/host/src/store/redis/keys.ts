/**
 * Key layout, safe for Redis Cluster. Sessions are spread over `shards` key
 * shards; every key of a session, its request records and its shard's
 * live-session index carry the shard's hash tag `{<n>}`, so each per-session
 * script touches one slot. The session id comes last in a key (after a fixed
 * part naming what the key holds), so no id can spell another session's key.
 *
 * With one shard (the default on a single server) one index holds every live
 * session and the session cap is exact; on a cluster more shards spread
 * sessions over the nodes (see RedisSessionStoreOptions.keyShards).
 * Hosts sharing sessions must agree on the prefix and the shard count.
 *
 * Keys outside any session (cluster directory, rate-limit buckets) are used
 * one key per command or script. Channels are not keys: Redis Cluster
 * broadcasts classic PUBLISH to every node.
 */
export class RedisKeys {
  readonly ended: string;
  /** Names of the global tools some cluster host serves. */
  readonly globalTools: string;
  /** Secret the hosts of a cluster mark forwarded calls with. */
  readonly clusterSecret: string;

  constructor(
    readonly prefix: string,
    readonly shards = 1,
  ) {
    if (!Number.isInteger(shards) || shards < 1)
      throw new RangeError(`key shards must be a positive integer: ${shards}`);
    if (prefix.includes("{"))
      throw new RangeError(`key prefix must not contain "{" (hash tags are the store's): ${prefix}`);
    this.ended = `${prefix}ended`;
    this.globalTools = `${prefix}tools`;
    this.clusterSecret = `${prefix}cluster-secret`;
  }

  /** Which shard a session's keys live in. */
  shardOf(id: string): number {
    if (this.shards === 1) return 0;
    // FNV-1a over UTF-16 code units: cheap, stable across hosts and processes.
    let hash = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    return (hash >>> 0) % this.shards;
  }

  /** Start of every key of a shard: "<prefix>{<n>}:". Scripts that sweep a shard build session keys on it. */
  shardBase(shard: number): string {
    return `${this.prefix}{${shard}}:`;
  }

  /** The live-session index of a shard (zset of session id -> idle deadline). */
  live(shard: number): string {
    return `${this.shardBase(shard)}live`;
  }

  /** The keys every per-session script takes, in the order scripts.ts expects (SWEEP builds the same names). */
  session(id: string): string[] {
    const shard = this.shardOf(id);
    const base = this.shardBase(shard);
    return [
      `${base}sess:${id}`,
      `${base}tools:${id}`,
      `${base}ids:${id}`,
      `${base}vars:${id}`,
      `${base}vers:${id}`,
      `${base}tomb:${id}`,
      this.live(shard),
      `${base}owners:${id}`,
    ];
  }

  /** Heartbeat key of a cluster host (its gRPC address while it lives). */
  host(hostId: string): string {
    return `${this.prefix}host:${hostId}`;
  }

  /** Hosts serving a global tool: host id -> owner record (join token, then ToolSpec bytes; cluster/owner-record.ts). */
  globalOwners(tool: string): string {
    return `${this.prefix}own:${tool}`;
  }

  /** Channel of a session's variable changes. */
  watch(id: string): string {
    return `${this.prefix}w:${id}`;
  }

  /** Outcome of one request_id in one session (the id's length keeps the pair unambiguous). */
  request(sessionId: string, requestId: string): string {
    return `${this.shardBase(this.shardOf(sessionId))}req:${sessionId.length}:${sessionId}:${requestId}`;
  }

  /**
   * A session's request lease (hash: holder, until, contended, backoff; see
   * request-lease.ts), in the session's slot so one script takes it with a record.
   */
  lease(sessionId: string): string {
    return `${this.shardBase(this.shardOf(sessionId))}lease:${sessionId}`;
  }

  /** A session's request_ids with a record (zset: request_id -> expiry ms), read when a lease changes hands. */
  requestIndex(sessionId: string): string {
    return `${this.shardBase(this.shardOf(sessionId))}ridx:${sessionId}`;
  }

  /** A token bucket shared by every host. */
  bucket(name: string): string {
    return `${this.prefix}rate:${name}`;
  }
}
