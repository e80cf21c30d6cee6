import { randomUUID } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  DEFAULT_LIMITS,
  type SessionConfig,
  SessionConfigSchema,
  ToolBridgeError,
  type ToolSpec,
  ToolSpecSchema,
  type Variable,
  VariableSchema,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import { hostError } from "../../errors.js";
import type {
  CleanupResult,
  SessionEndReason,
  SessionInit,
  SessionState,
  SessionStore,
  VariablePage,
  VariableQuery,
  VariableWrite,
  WatchOptions,
} from "../types.js";
import {
  conflict,
  nextVariable,
  nowTimestamp,
  tooManyVariableBytes,
  tooManyVariables,
  type VariableBudget,
  variableBudget,
} from "../variable-write.js";
import { RedisConnection, type Reply, type Script } from "./connection.js";
import { RedisKeys } from "./keys.js";
import { RedisRateLimits } from "./rate-limits.js";
import { RedisRequestLedger } from "./request-ledger.js";
import * as S from "./scripts.js";
import { RedisWatchers, type Snapshot } from "./watchers.js";

export interface RedisSessionStoreOptions {
  /**
   * redis:// or rediss:// URL, database included (default redis://127.0.0.1:6379/0).
   * "?cluster=true" at its end says the same as `cluster: true`.
   */
  url?: string;
  /**
   * The URL names one node of a Redis Cluster (or Valkey cluster): the store
   * learns the others from it and spreads sessions over `keyShards` (default 16).
   */
  cluster?: boolean;
  /** Prefix of every key and channel ("tb:"); hosts sharing sessions use the same one. */
  keyPrefix?: string;
  /**
   * Key shards sessions are spread over (1). Every key of a session is in its
   * shard's Redis Cluster slot; more shards spread sessions over more cluster
   * nodes, at the price of a session cap that concurrent creates may overshoot
   * slightly. Part of the key layout: hosts sharing sessions use the same number.
   */
  keyShards?: number;
  /** Default idle TTL (1 h). */
  idleTtlMs?: number;
  /** Live sessions at most, over all hosts (10,000). */
  maxSessions?: number;
  /** How long an ended session id answers SessionExpired rather than SessionNotFound (24 h). */
  tombstoneTtlMs?: number;
  /** Changes a watcher may fall behind before it fails with ResourceExhausted (10,000). */
  maxWatchBacklog?: number;
  /** Watchers per session on this host (1,000). */
  maxWatchersPerSession?: number;
  /** Variables per session (10,000). */
  maxVariablesPerSession?: number;
  /** Bytes of variables per session, as stored (encoded Variable messages; 64 MiB). */
  maxVariableBytesPerSession?: number;
  /** How often this host ends sessions that idled out (a quarter of the TTL, at most 30 s). */
  sweepIntervalMs?: number;
  /** How long connecting may take at start (2 s). */
  connectTimeoutMs?: number;
  /**
   * How long a command may wait for Redis's reply (2 s): past it Redis is taken
   * as hung and calls fail with Unavailable at once until it answers again.
   */
  commandTimeoutMs?: number;
  /**
   * Sessions for which this returns true are kept alive by every sweep: the
   * host passes "has calls in flight here", so a call longer than the idle TTL
   * does not see its session expire under it.
   */
  isBusy?: (id: string) => boolean;
  /**
   * Request leases (ms a lease lasts, 2 s; 0 = off): a host serving a session's calls
   * leases the session and claims its request_ids in memory, writing the records
   * behind, so a call with a request_id does not wait for Redis first; other
   * hosts wait for the holder's records (docs/scale-out.md). "?request_lease_ms=N"
   * at the URL's end says the same.
   */
  requestLeaseMs?: number;
}

/** Extra life of a session's keys past its idle TTL: the scripts decide expiry, Redis frees the memory. */
const KEY_GRACE_MS = 1_000;
const SWEEP_BATCH = 100;
/** Long enough that renewals (every quarter) are rare; short enough that a dead holder delays others little. */
const DEFAULT_REQUEST_LEASE_MS = 2_000;

/** A session this host saw live: until when that holds, and whether a touch is on its way to Redis. */
interface Recent {
  readonly state: SessionState;
  readonly freshUntil: number;
  readonly touchedAt: number;
  touching: boolean;
}

/** Parts of a session that never change while it lives, decoded once per host. */
interface Fixed {
  readonly createdAt: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly owner: string;
  readonly config: SessionConfig | undefined;
}

/**
 * SessionStore in Redis (or Valkey), shared by every host that points at the
 * same server and key prefix: any host can serve any call of any session.
 * Every change is one Lua script (atomic), variable changes and session ends
 * are published so watchers and hosts everywhere hear them, and idle expiry is
 * Redis's clock plus key expiry. While Redis is unreachable every call fails at
 * once with Unavailable; the connection comes back by itself.
 */
export class RedisSessionStore implements SessionStore {
  readonly requests: RedisRequestLedger;
  readonly rateLimits: RedisRateLimits;
  readonly keys: RedisKeys;
  /**
   * Id of the host using this store, recorded as the owner of the session
   * tools it registers so other hosts can forward calls to it ("" = not in a cluster).
   */
  hostId = "";
  private readonly origin = randomUUID();
  private readonly listeners = new Set<(id: string, reason: SessionEndReason) => void>();
  private readonly fixed = new Map<string, Fixed>();
  /** Sessions this host touched recently, so the next touch need not wait for Redis (see touchSession). */
  private readonly recent = new Map<string, Recent>();
  /** When sessions ended, as heard here: a touch answered before the end but read after it must not revive them. */
  private readonly endedAt = new Map<string, number>();
  private readonly watchers: RedisWatchers;
  private readonly sweeper: NodeJS.Timeout;
  private readonly idleTtlMs: number;
  private readonly maxSessions: number;
  private readonly tombstoneTtlMs: number;
  private readonly budget: VariableBudget;
  private closed = false;

  private constructor(
    /** The command connection, shared with the cluster directory. */
    readonly redis: RedisConnection,
    private readonly sub: RedisConnection,
    options: RedisSessionStoreOptions,
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? "tb:", options.keyShards ?? 1);
    this.idleTtlMs = options.idleTtlMs ?? DEFAULT_LIMITS.sessionIdleTtlMs;
    this.maxSessions = options.maxSessions ?? DEFAULT_LIMITS.maxSessions;
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 24 * 60 * 60_000;
    this.budget = variableBudget(options);
    this.watchers = new RedisWatchers(
      sub,
      (id) => this.keys.watch(id),
      options.maxWatchBacklog ?? 10_000,
      options.maxWatchersPerSession ?? DEFAULT_LIMITS.maxWatchersPerSession,
    );
    this.requests = new RedisRequestLedger(
      redis,
      this.keys,
      () => this.hostId,
      options.requestLeaseMs ?? DEFAULT_REQUEST_LEASE_MS,
    );
    this.rateLimits = new RedisRateLimits(redis, this.keys);
    const interval = options.sweepIntervalMs ?? Math.min(30_000, Math.max(10, this.idleTtlMs / 4));
    const isBusy = options.isBusy ?? (() => false);
    this.sweeper = setInterval(() => {
      for (const id of this.recent.keys()) if (isBusy(id)) this.run(S.READ, id, ["1"]).catch(() => {});
      this.sweep().catch(() => {});
    }, interval);
    this.sweeper.unref();
    redis.onError(() => this.forgetRecent());
    sub.onError(() => this.forgetRecent());
  }

  /** Connects (two connections: commands and subscriptions); rejects with Unavailable naming the URL. */
  static async connect(given: RedisSessionStoreOptions = {}): Promise<RedisSessionStore> {
    const leased = leaseUrl(given.url ?? "redis://127.0.0.1:6379/0", given.requestLeaseMs);
    const { url, cluster } = clusterUrl(leased.url, given.cluster);
    // On a cluster, sessions spread over 16 key shards (so over the nodes) unless told otherwise.
    const options = {
      ...given,
      url,
      cluster,
      keyShards: given.keyShards ?? (cluster ? 16 : 1),
      requestLeaseMs: leased.requestLeaseMs,
    };
    const { connectTimeoutMs, commandTimeoutMs } = options;
    const connectOptions = {
      cluster,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    };
    const redis = await RedisConnection.open(url, connectOptions);
    let sub: RedisConnection;
    // Subscriptions get their own connection (a subscribed connection runs no other commands).
    try {
      sub = await RedisConnection.open(url, connectOptions);
    } catch (error) {
      await redis.close();
      throw error;
    }
    const store = new RedisSessionStore(redis, sub, options);
    try {
      await sub.subscribe(store.keys.ended, (message) => store.heardEnded(message));
    } catch (error) {
      await store.close();
      throw redis.translate(error);
    }
    return store;
  }

  async createSession(id: string, init: SessionInit): Promise<SessionState> {
    if (id === "") throw hostError("InvalidArgument", "session_id must not be empty");
    const config = init.config ? Buffer.from(toBinary(SessionConfigSchema, init.config)) : "";
    const sentAt = Date.now();
    const reply = await this.run(S.CREATE, id, [
      String(init.idleTtlMs || this.idleTtlMs),
      String(await this.shardBudget(id)),
      JSON.stringify(init.metadata ?? {}),
      init.owner ?? "",
      config,
    ]);
    return this.remember(this.state(id, reply), sentAt);
  }

  async getSession(id: string): Promise<SessionState> {
    return this.state(id, await this.run(S.READ, id, ["0"]));
  }

  /**
   * Every call on a session touches it, so this is on the hot path. A session
   * this host saw live within most of its idle TTL is answered from memory and
   * touched in Redis without waiting: its idle deadline in Redis is then later
   * than now, and its end (cleanup or expiry, on any host) arrives through the
   * session-ended channel, which drops it here. While either connection is down
   * (messages may be lost) every touch goes to Redis. Touches sent without
   * waiting are spaced by at most 1% of the idle TTL (at most 1 s), so a busy
   * session costs Redis one write per interval, not one per call.
   */
  async touchSession(id: string): Promise<SessionState> {
    const hit = this.recent.get(id);
    const sentAt = Date.now();
    if (hit && hit.freshUntil > sentAt && this.redis.ready && this.sub.ready) {
      if (!hit.touching && sentAt - hit.touchedAt >= Math.min(1_000, hit.state.idleTtlMs / 100)) {
        hit.touching = true;
        this.run(S.READ, id, ["1"]).then(
          (reply) => this.remember(this.state(id, reply), sentAt),
          () => this.recent.delete(id),
        );
      }
      return hit.state;
    }
    return this.remember(this.state(id, await this.run(S.READ, id, ["1"])), sentAt);
  }

  async cleanupSession(id: string): Promise<CleanupResult> {
    const [variablesRemoved, toolsRemoved] = (await this.run(S.CLEANUP, id, [])) as number[];
    this.ended(id, "cleanup");
    return { variablesRemoved: variablesRemoved ?? 0, toolsRemoved: toolsRemoved ?? 0 };
  }

  async countSessions(): Promise<number> {
    const counts = await Promise.all(this.shards().map((shard) => this.countShard(shard)));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async registerTools(id: string, specs: readonly ToolSpec[]): Promise<void> {
    const seen = new Set<string>();
    const tools: (string | Buffer)[] = [];
    for (const spec of specs) {
      if (seen.has(spec.name)) throw toolExists(id, spec.name);
      seen.add(spec.name);
      tools.push(spec.name, spec.toolId, Buffer.from(toBinary(ToolSpecSchema, spec)));
    }
    try {
      await this.run(S.REGISTER_TOOLS, id, [this.hostId, "0", ...tools]);
    } catch (error) {
      const gone = await this.goneOwners(id, error, [...seen]);
      if (gone.length === 0) throw error;
      await this.run(S.REGISTER_TOOLS, id, [this.hostId, String(gone.length), ...gone, ...tools]);
    }
  }

  /**
   * After `error`: the hosts recorded as running some of `names` in the session
   * whose heartbeat is gone (killed without unregistering them). Their tools may
   * be registered again here — as a worker reconnecting to a single server takes
   * its session tool back; the script checks the owner again as it takes over,
   * so only a name still recorded under such a host changes hands. Empty unless
   * the error is AlreadyExists on a cluster host.
   */
  private async goneOwners(id: string, error: unknown, names: readonly string[]): Promise<string[]> {
    if (this.hostId === "" || !(error instanceof ToolBridgeError) || error.code !== "AlreadyExists") return [];
    const owners = this.keys.session(id)[7] as string;
    const recorded = (await this.redis.command(["HMGET", owners, ...names])) as (Buffer | null)[];
    const others = new Set(recorded.flatMap((owner) => (owner === null ? [] : [owner.toString("utf8")])));
    others.delete(this.hostId);
    const candidates = [...others];
    const alive = await Promise.all(candidates.map((host) => this.redis.command(["EXISTS", this.keys.host(host)])));
    return candidates.filter((_, i) => alive[i] === 0);
  }

  async unregisterTools(id: string, names: readonly string[]): Promise<number> {
    return (await this.run(S.UNREGISTER_TOOLS, id, names)) as number;
  }

  async getTool(id: string, toolId: string): Promise<ToolSpec> {
    const bytes = await this.run(S.GET_TOOL, id, [toolId]);
    if (!(bytes instanceof Buffer)) {
      throw hostError("ToolNotFound", `tool ${toolId} not found in session ${id}`, {
        session_id: id,
        tool_name: toolId,
      });
    }
    return fromBinary(ToolSpecSchema, bytes);
  }

  async listTools(id: string): Promise<ToolSpec[]> {
    const all = (await this.run(S.LIST_TOOLS, id, [])) as Buffer[];
    return all.map((bytes) => fromBinary(ToolSpecSchema, bytes));
  }

  async setVariable(id: string, write: VariableWrite): Promise<Variable> {
    if (write.name === "") throw hostError("InvalidArgument", "variable name must not be empty", { session_id: id });
    // Optimistic: build the next version on the one read, write only if it is still current, else rebuild.
    for (;;) {
      const current = await this.readVariable(id, write.name);
      const version = current?.metadata?.version ?? 0n;
      if (write.expectedVersion !== undefined && write.expectedVersion !== version) {
        throw conflict(id, write.name, write.expectedVersion, String(version));
      }
      const next = nextVariable(current, write, nowTimestamp());
      const written = await this.run(S.SET_VARIABLE, id, [
        this.keys.watch(id),
        write.name,
        String(version),
        write.expectedVersion === undefined ? "0" : "1",
        Buffer.from(toBinary(VariableSchema, next)),
        String(this.budget.maxVariablesPerSession),
        String(this.budget.maxVariableBytesPerSession),
      ]).catch((error: unknown) => {
        throw (
          this.overBudget(error, id, write.name) ??
          this.conflictOf(error, id, write.name, write.expectedVersion ?? version)
        );
      });
      if (written !== -1) return next;
    }
  }

  async getVariable(id: string, name: string): Promise<Variable> {
    const variable = await this.readVariable(id, name);
    if (!variable) {
      throw hostError("VariableNotFound", `variable ${name} not found in session ${id}`, { session_id: id, name });
    }
    return variable;
  }

  async listVariables(id: string, query: VariableQuery): Promise<VariablePage> {
    const { variables: all } = await this.snapshot(id);
    const prefix = query.prefix ?? "";
    const tags = query.tags ?? [];
    const limit = Math.min(query.limit || 100, 1000);
    const after = query.cursor ? Buffer.from(query.cursor, "base64url").toString("utf8") : undefined;
    const matching = all
      .filter((v) => v.name.startsWith(prefix) && (after === undefined || v.name > after))
      .filter((v) => tags.every((t) => (v.metadata?.tags ?? []).includes(t)))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const variables = matching.slice(0, limit);
    const last = variables.at(-1);
    const nextCursor = matching.length > limit && last ? Buffer.from(last.name, "utf8").toString("base64url") : "";
    return { variables, nextCursor };
  }

  async deleteVariable(id: string, name: string, expectedVersion?: bigint): Promise<boolean> {
    const args = [this.keys.watch(id), name, expectedVersion === undefined ? "" : String(expectedVersion)];
    const deleted = await this.run(S.DELETE_VARIABLE, id, args).catch((error: unknown) => {
      throw this.conflictOf(error, id, name, expectedVersion ?? 0n);
    });
    return deleted === 1;
  }

  watchVariables(id: string, options: WatchOptions): Promise<AsyncIterable<WatchVariablesResponse>> {
    const read = async (withVariables: boolean): Promise<Snapshot> => {
      if (withVariables) return this.snapshot(id);
      return { seq: (await this.run(S.WATCH_SEQ, id, [])) as number, variables: [] };
    };
    return this.watchers.open(id, options, read);
  }

  onSessionEnded(listener: (id: string, reason: SessionEndReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.watchers.close();
    this.requests.close();
    await Promise.all([this.redis.close(), this.sub.close()]);
  }

  /** Ends sessions that idled out (every host sweeps; each session ends once). */
  async sweep(): Promise<number> {
    const swept = await Promise.all(
      this.shards().map((shard) => {
        const args = [this.keys.shardBase(shard), String(this.tombstoneTtlMs), this.keys.ended, String(SWEEP_BATCH)];
        return this.redis.eval(S.SWEEP, [this.keys.live(shard)], args) as Promise<number>;
      }),
    );
    return swept.reduce((sum, n) => sum + n, 0);
  }

  private shards(): number[] {
    return Array.from({ length: this.keys.shards }, (_, shard) => shard);
  }

  private async countShard(shard: number): Promise<number> {
    return (await this.redis.eval(S.COUNT, [this.keys.live(shard)], [])) as number;
  }

  /**
   * Sessions a new one's shard may hold: the cap less the other shards' live
   * sessions. Exact with one shard; with several, creates racing on other
   * shards may overshoot the cap by what they add meanwhile.
   */
  private async shardBudget(id: string): Promise<number> {
    if (this.keys.shards === 1) return this.maxSessions;
    const own = this.keys.shardOf(id);
    const others = await Promise.all(this.shards().map((shard) => (shard === own ? 0 : this.countShard(shard))));
    return this.maxSessions - others.reduce((sum, n) => sum + n, 0);
  }

  private async readVariable(id: string, name: string): Promise<Variable | undefined> {
    const [bytes] = (await this.run(S.GET_VARIABLE, id, [name])) as [Buffer | null, number];
    return bytes ? fromBinary(VariableSchema, bytes) : undefined;
  }

  private async snapshot(id: string): Promise<Snapshot> {
    const [seq, ...pairs] = (await this.run(S.SNAPSHOT_VARIABLES, id, [])) as [number, ...Buffer[]];
    const variables: Variable[] = [];
    for (let i = 1; i < pairs.length; i += 2) variables.push(fromBinary(VariableSchema, pairs[i] as Buffer));
    return { seq, variables };
  }

  /** Runs a per-session script, turning its "TB:<code>" errors into ToolBridgeErrors. */
  private async run(s: Script, id: string, args: readonly (string | Buffer)[]): Promise<Reply> {
    const head = [id, String(this.tombstoneTtlMs), this.keys.ended, this.origin, String(KEY_GRACE_MS)];
    try {
      return await this.redis.eval(s, this.keys.session(id), [...head, ...args]);
    } catch (error) {
      throw scriptError(error, id, this.maxSessions);
    }
  }

  private state(id: string, reply: Reply): SessionState {
    const [meta, owner, config, createdAt, lastActiveAt, idleTtlMs, toolCount, variableCount] = reply as [
      Buffer,
      Buffer,
      Buffer,
      number,
      number,
      number,
      number,
      number,
    ];
    let fixed = this.fixed.get(id);
    if (fixed?.createdAt !== createdAt) {
      fixed = {
        createdAt,
        metadata: JSON.parse(meta.toString("utf8")) as Record<string, string>,
        owner: owner.toString("utf8"),
        config: config.length > 0 ? fromBinary(SessionConfigSchema, config) : undefined,
      };
      this.fixed.set(id, fixed);
    }
    return { id, ...fixed, lastActiveAt, idleTtlMs, toolCount, variableCount };
  }

  /** Live as of sentAt (Redis touched it after that): no host can expire it before sentAt + its TTL. */
  private remember(state: SessionState, sentAt: number): SessionState {
    if ((this.endedAt.get(state.id) ?? Number.NEGATIVE_INFINITY) >= sentAt) return state;
    this.recent.set(state.id, {
      state,
      freshUntil: sentAt + state.idleTtlMs * 0.9,
      touchedAt: sentAt,
      touching: false,
    });
    return state;
  }

  /** Lost a connection: session ends may have been missed, so nothing in memory is trusted. */
  private forgetRecent(): void {
    this.recent.clear();
  }

  /** The script's "TB:VariableLimit:count" / "TB:VariableLimit:bytes:<would hold>" as ResourceExhausted. */
  private overBudget(error: unknown, id: string, name: string): unknown {
    const match = error instanceof Error ? /^(?:ERR )?TB:VariableLimit:(count|bytes:(\d+))/.exec(error.message) : null;
    if (!match) return undefined;
    const { maxVariablesPerSession, maxVariableBytesPerSession } = this.budget;
    return match[1] === "count"
      ? tooManyVariables(id, name, maxVariablesPerSession)
      : tooManyVariableBytes(id, name, maxVariableBytesPerSession, Number(match[2]));
  }

  private conflictOf(error: unknown, id: string, name: string, expected: bigint): unknown {
    const match = error instanceof Error ? /^(?:ERR )?TB:Conflict:(\d+)/.exec(error.message) : null;
    return match ? conflict(id, name, expected, match[1] as string) : error;
  }

  /** "<reason>|<origin>|<id>" from any host. This host's own cleanups were handled already. */
  private heardEnded(message: Buffer): void {
    const text = message.toString("utf8");
    const first = text.indexOf("|");
    const second = text.indexOf("|", first + 1);
    const reason = text.slice(0, first) === "cleanup" ? "cleanup" : "expired";
    if (text.slice(first + 1, second) === this.origin) return;
    this.ended(text.slice(second + 1), reason);
  }

  private ended(id: string, reason: SessionEndReason): void {
    this.fixed.delete(id);
    this.recent.delete(id);
    const now = Date.now();
    this.endedAt.delete(id);
    this.endedAt.set(id, now);
    // Only touches in flight need it: entries older than a minute go (insertion order is age order).
    for (const [old, at] of this.endedAt) {
      if (at > now - 60_000) break;
      this.endedAt.delete(old);
    }
    this.watchers.endSession(id);
    for (const listener of this.listeners) listener(id, reason);
  }
}

/** The URL without its "cluster" parameter, and whether it names a cluster (the parameter or the option). */
function clusterUrl(url: string, option: boolean | undefined): { url: string; cluster: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, cluster: option ?? false };
  }
  const param = parsed.searchParams.get("cluster");
  if (param === null) return { url, cluster: option ?? false };
  parsed.searchParams.delete("cluster");
  return { url: parsed.toString(), cluster: option ?? (param === "true" || param === "1") };
}

/** "?request_lease_ms=N" taken off the URL (the option wins). */
function leaseUrl(url: string, option: number | undefined): { url: string; requestLeaseMs: number | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, requestLeaseMs: option };
  }
  const param = parsed.searchParams.get("request_lease_ms");
  if (param === null) return { url, requestLeaseMs: option };
  parsed.searchParams.delete("request_lease_ms");
  const given = Number(param);
  if (!Number.isFinite(given) || given < 0) throw new RangeError(`request_lease_ms must be a number >= 0: ${param}`);
  return { url: parsed.toString(), requestLeaseMs: option ?? given };
}

function toolExists(id: string, name: string) {
  return hostError("AlreadyExists", `tool ${name} is already registered in session ${id}`, {
    session_id: id,
    tool_name: name,
  });
}

/** Errors scripts raise on purpose ("TB:<code>[:<detail>]") as ToolBridgeErrors. */
function scriptError(error: unknown, id: string, maxSessions: number): unknown {
  const message = error instanceof Error ? error.message.replace(/^ERR /, "") : "";
  if (!message.startsWith("TB:")) return error;
  const rest = message.slice(3);
  const colon = rest.indexOf(":");
  const code = colon < 0 ? rest : rest.slice(0, colon);
  const detail = colon < 0 ? "" : rest.slice(colon + 1);
  switch (code) {
    case "SessionNotFound":
      return hostError("SessionNotFound", `session ${id} not found`, { session_id: id });
    case "SessionExpired":
      return hostError("SessionExpired", `session ${id} has expired or was cleaned up`, { session_id: id });
    case "AlreadyExists":
      return detail === ""
        ? hostError("AlreadyExists", `session ${id} already exists`, { session_id: id })
        : toolExists(id, detail);
    case "ResourceExhausted":
      return hostError("ResourceExhausted", `too many live sessions (limit ${maxSessions})`, {
        session_id: id,
        max_sessions: String(maxSessions),
      });
    default:
      return error;
  }
}
