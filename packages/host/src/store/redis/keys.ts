/**
 * Key layout. Every key of one session shares the hash tag {id}, so a session's
 * keys would land in one slot; the live-session index is global.
 */
export class RedisKeys {
  readonly live: string;
  readonly ended: string;
  /** Names of the global tools some cluster host serves. */
  readonly globalTools: string;
  /** Secret the hosts of a cluster mark forwarded calls with. */
  readonly clusterSecret: string;

  constructor(readonly prefix: string) {
    this.live = `${prefix}live`;
    this.ended = `${prefix}ended`;
    this.globalTools = `${prefix}tools`;
    this.clusterSecret = `${prefix}cluster-secret`;
  }

  /** The keys every per-session script takes, in the order scripts.ts expects. */
  session(id: string): string[] {
    const base = `${this.prefix}s:{${id}}`;
    return [
      base,
      `${base}:tools`,
      `${base}:ids`,
      `${base}:vars`,
      `${base}:vers`,
      `${base}:tomb`,
      this.live,
      `${base}:owners`,
    ];
  }

  /** Heartbeat key of a cluster host (its gRPC address while it lives). */
  host(hostId: string): string {
    return `${this.prefix}host:${hostId}`;
  }

  /** Hosts serving a global tool: host id -> ToolSpec bytes. */
  globalOwners(tool: string): string {
    return `${this.prefix}own:${tool}`;
  }

  /** Channel of a session's variable changes. */
  watch(id: string): string {
    return `${this.prefix}w:{${id}}`;
  }

  /** Outcome of one request_id in one session. */
  request(sessionId: string, requestId: string): string {
    return `${this.prefix}s:{${sessionId}}:req:${requestId}`;
  }

  /** Channel announcing finished request_ids of a session. */
  requestDone(sessionId: string): string {
    return `${this.prefix}done:{${sessionId}}`;
  }

  /** A token bucket shared by every host. */
  bucket(name: string): string {
    return `${this.prefix}rate:${name}`;
  }
}
