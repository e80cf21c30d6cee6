import { randomUUID } from "node:crypto";
import type { ToolSpec } from "@toolbridge/protocol";
import type { Logger } from "pino";
import type { RegistryChange, ToolRegistry } from "../registry/registry.js";
import type { ToolExecutor } from "../registry/types.js";
import type { HostTlsOptions } from "../security/tls.js";
import type { RedisSessionStore } from "../store/redis/store.js";
import { ClusterDirectory } from "./directory.js";
import { configuredSecrets, type ForwardedBy, type ForwardedCall, ForwardingKeys } from "./forwarded-mark.js";
import { ForwardingExecutor, PeerChannels } from "./forwarder.js";
import { joinToken } from "./owner-record.js";
import { type ClusterTlsOptions, peerTransport } from "./peer-credentials.js";

export interface ClusterOptions {
  /** This host's id in the cluster (random). */
  hostId?: string;
  /** "host:port" other hosts reach this one's gRPC port at (default: the address it listens on). */
  advertiseAddress?: string;
  /**
   * How often the host says it is alive (1 s). It counts as gone after three
   * missed beats: its global tools then stop being offered through the other
   * hosts (ToolNotFound unless another host serves them).
   */
  heartbeatMs?: number;
  /**
   * Key of the HMAC on forwarded calls, the same on every host (at least 32
   * characters; CLI --cluster-secret or TOOLBRIDGE_CLUSTER_SECRET). Several: the
   * first signs, all verify (rotation). Required when the host has `tls` or
   * `auth`; without it the hosts share a random secret through Redis.
   */
  secret?: string | readonly string[];
  /** TLS to the other hosts (default: from the host's `tls`; docs/scale-out.md). */
  tls?: ClusterTlsOptions;
  /** How far a forwarded call's signing time may be from this host's clock (30 s). */
  maxClockSkewMs?: number;
}

/** How long a found owner is reused before asking Redis again. */
const OWNER_CACHE_MS = 1_000;
/** Found owners kept at most (per session, tool and caller). */
const MAX_CACHED_OWNERS = 10_000;

/**
 * Makes the tools of every host callable through every host. Each host keeps
 * a heartbeat key with its gRPC address, records the global tools it serves
 * (session tools record their owner in the session store), and resolves a tool
 * it lacks to a ForwardingExecutor aimed at the host that has it.
 */
export class Cluster {
  readonly hostId: string;
  private readonly directory: ClusterDirectory;
  private readonly channels: PeerChannels;
  private readonly owners = new Map<string, { executor: ToolExecutor; until: number }>();
  /** Global tools other hosts serve, refreshed every heartbeat, for tool listings here. */
  private remoteGlobal: ToolSpec[] = [];
  /** Signs and verifies forwarded calls: with the configured secret, else the one the hosts share in Redis. */
  private readonly keys: ForwardingKeys;
  /** Set when the secret is not configured: the Redis one and the one before it (hosts agree again within a heartbeat after Redis lost it). */
  private sharedSecrets: [string, string] | undefined;
  private readonly candidateSecret = randomUUID();
  /** Marks this host's owner records; new whenever the host advertises all its tools again (see owner-record.ts). */
  private token = joinToken();
  /**
   * False when this host's records may be gone: its key was missing at a beat
   * (Redis emptied, or beats missed and other hosts dropped its records as a
   * dead owner's), or a beat failed (it cannot tell). The next beat then
   * advertises every global tool again, under a new token.
   */
  private advertised = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly ttlMs: number;
  private readonly unsubscribe: () => void;
  private closed = false;

  private constructor(
    store: RedisSessionStore,
    private readonly registry: ToolRegistry,
    private readonly address: string,
    private readonly logger: Logger,
    options: ClusterOptions,
    hostTls: HostTlsOptions | undefined,
  ) {
    this.hostId = options.hostId ?? randomUUID();
    const secrets = configuredSecrets(options.secret);
    this.keys = new ForwardingKeys(secrets ?? [], options.maxClockSkewMs);
    if (!secrets) this.sharedSecrets = ["", ""];
    this.channels = new PeerChannels(peerTransport(hostTls, options.tls));
    const heartbeatMs = options.heartbeatMs ?? 1_000;
    this.ttlMs = heartbeatMs * 3;
    this.directory = new ClusterDirectory(store.redis, store.keys);
    store.hostId = this.hostId;
    this.unsubscribe = registry.onChange((change) => this.changed(change));
    registry.remoteSpecs = () => this.remoteGlobal;
    this.heartbeat = setInterval(() => void this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Joins the cluster: first heartbeat and this host's global tools, before the host serves calls. */
  static async join(
    store: RedisSessionStore,
    registry: ToolRegistry,
    listenAddress: string,
    logger: Logger,
    options: ClusterOptions = {},
    /** The host's own TLS: peers serve the same, so forwarding uses it too. */
    hostTls?: HostTlsOptions,
  ): Promise<Cluster> {
    const cluster = new Cluster(store, registry, options.advertiseAddress ?? listenAddress, logger, options, hostTls);
    await cluster.beatOnce();
    await cluster.advertiseAll();
    cluster.advertised = true;
    await cluster.refreshRemote();
    return cluster;
  }

  /**
   * A tool this host lacks, served by another host (for ToolRunner's resolveRemote),
   * forwarding on behalf of `principal` (the caller this host authenticated).
   */
  readonly resolve = async (
    sessionId: string,
    toolId: string,
    principal: string | undefined,
  ): Promise<ToolExecutor | undefined> => {
    // One executor per caller: its marks carry that caller's principal.
    const key = `${sessionId}\u0000${toolId}\u0000${principal ?? ""}`;
    const cached = this.owners.get(key);
    if (cached && cached.until > Date.now()) return cached.executor;
    const owner = await this.directory.lookup(this.hostId, sessionId, toolId);
    if (!owner) return undefined;
    const mark = (call: ForwardedCall) => this.keys.sign(this.hostId, call, principal);
    const executor = new ForwardingExecutor(owner, mark, this.channels);
    if (owner.address !== "") this.remember(key, executor);
    return executor;
  };

  private remember(key: string, executor: ToolExecutor): void {
    const now = Date.now();
    // Sessions and callers come and go: expired entries leave once the cache is large.
    if (this.owners.size >= MAX_CACHED_OWNERS) {
      for (const [k, entry] of this.owners) if (entry.until <= now) this.owners.delete(k);
      if (this.owners.size >= MAX_CACHED_OWNERS) this.owners.clear();
    }
    this.owners.set(key, { executor, until: now + OWNER_CACHE_MS });
  }

  /**
   * Who forwarded a call marked as forwarded, and for which caller; throws
   * Unauthenticated when the mark was not signed for this call by a host that
   * knows the cluster secret (or is too old).
   */
  verifyForwarded(mark: string, call: ForwardedCall): ForwardedBy {
    return this.keys.verify(mark, call);
  }

  /** Leaves: withdraws this host's tools and heartbeat, closes peer channels. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    this.registry.remoteSpecs = undefined;
    this.channels.close();
    try {
      for (const spec of this.registry.globalSpecs()) await this.directory.withdraw(this.hostId, spec);
      await this.directory.leave(this.hostId);
    } catch (error) {
      this.logger.warn(
        { err: error },
        "could not withdraw from the cluster; peers will see this host gone when its heartbeat lapses",
      );
    }
  }

  private async beat(): Promise<void> {
    try {
      if (await this.beatOnce()) this.advertised = false;
      if (!this.advertised) {
        // Another host may be deleting this host's records as a dead owner's right now: records
        // written under a new token differ from the ones it read, so it leaves them alone.
        this.token = joinToken();
        await this.advertiseAll();
        this.advertised = true;
      }
      await this.refreshRemote();
    } catch (error) {
      this.advertised = false;
      this.logger.warn({ err: error }, "cluster heartbeat failed");
    }
  }

  private async beatOnce(): Promise<boolean> {
    const { rejoined, secret } = await this.directory.beat(this.hostId, this.address, this.ttlMs, this.candidateSecret);
    const shared = this.sharedSecrets;
    if (shared && secret !== shared[0]) {
      this.sharedSecrets = [secret, shared[0]];
      this.keys.setSecrets(this.sharedSecrets);
    }
    return rejoined;
  }

  private async refreshRemote(): Promise<void> {
    const tools = await this.directory.globalTools(this.hostId);
    this.remoteGlobal = [...tools.values()].map((owner) => owner.spec);
  }

  private async advertiseAll(): Promise<void> {
    for (const spec of this.registry.globalSpecs()) await this.directory.advertise(this.hostId, this.token, spec);
  }

  /** Global tools come and go (workers connecting, leaving); session tools are recorded by the store. */
  private changed(change: RegistryChange): void {
    if (change.sessionId !== "" || this.closed) return;
    const done =
      change.kind === "added"
        ? this.directory.advertise(this.hostId, this.token, change.spec)
        : this.directory.withdraw(this.hostId, change.spec);
    done.catch((error: unknown) =>
      this.logger.warn({ err: error, tool: change.spec.name }, "could not update the cluster's tool directory"),
    );
  }
}
