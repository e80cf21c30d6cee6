import { createClient, createCluster, RESP_TYPES } from "redis";

/** Replies of scripts: integers as numbers, bulk strings as Buffers (values are binary protobuf). */
export type Reply = number | Buffer | null | Reply[];

export type MessageListener = (message: Buffer) => void;

/**
 * What the store needs of a Redis client, for one server (with its replicas)
 * and for Redis Cluster alike. Commands name the key that routes them on a
 * cluster (scripts: their first key; every key a script touches shares its slot).
 */
export interface RedisDriver {
  connect(): Promise<void>;
  send(firstKey: string | undefined, args: (string | Buffer)[]): Promise<Reply>;
  /** Classic pub/sub (a cluster broadcasts PUBLISH to every node, so any node will do). */
  subscribe(channel: string, listener: MessageListener): Promise<void>;
  unsubscribe(channel: string, listener: MessageListener): Promise<void>;
  /** A connection was lost (messages may have been missed); the driver reconnects by itself. */
  onError(listener: () => void): void;
  /** Connected (for a cluster: and no node has failed since the last reply). */
  readonly ready: boolean;
  readonly open: boolean;
  destroy(): void;
}

export interface DriverOptions {
  connectTimeoutMs: number;
}

type AnyListener = Parameters<ReturnType<typeof createCluster>["unsubscribe"]>[1];

const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

/**
 * Socket options of every connection: the first connect fails at once (Redis
 * down at start is a startup error); later losses reconnect with backoff. The
 * offline queue is disabled so commands fail at once while disconnected
 * instead of queueing until Redis returns.
 */
function clientDefaults(options: DriverOptions, state: { connected: boolean }) {
  return {
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: (retries: number, cause: Error) =>
        state.connected ? Math.min(50 * 2 ** retries, 1_000) : cause,
    },
  };
}

/** One server (a primary, optionally behind Sentinel-managed failover of its address). */
export function singleServer(url: string, options: DriverOptions): RedisDriver {
  const state = { connected: false };
  const client = createClient({ url, ...clientDefaults(options, state) });
  const errorListeners = new Set<() => void>();
  client.on("error", () => {
    for (const listener of errorListeners) listener();
  });
  return {
    async connect() {
      await client.connect();
      state.connected = true;
    },
    send: (_key, args) => client.sendCommand(args, AS_BUFFERS) as Promise<Reply>,
    subscribe: (channel, listener) => client.subscribe(channel, listener, true),
    unsubscribe: (channel, listener) => client.unsubscribe(channel, listener, true),
    onError: (listener) => errorListeners.add(listener),
    get ready() {
      return client.isReady;
    },
    get open() {
      return client.isOpen;
    },
    destroy: () => client.destroy(),
  };
}

/**
 * Redis Cluster (or Valkey cluster) reached through any of its nodes: the
 * client learns the slot map and routes each command by its key. Credentials
 * and TLS of the URL apply to every node.
 */
export function redisCluster(url: string, options: DriverOptions): RedisDriver {
  const state = { connected: false };
  const parsed = new URL(url);
  const defaults = {
    ...clientDefaults(options, state),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
  const cluster = createCluster({
    rootNodes: [{ url }],
    defaults: parsed.protocol === "rediss:" ? { ...defaults, socket: { ...defaults.socket, tls: true } } : defaults,
  });
  const errorListeners = new Set<() => void>();
  // A node failing means its replies (and messages) may be lost: not ready until a command succeeds again
  // or a node is back.
  let healthy = true;
  const failed = () => {
    healthy = false;
    for (const listener of errorListeners) listener();
  };
  cluster.on("error", failed);
  cluster.on("node-error", failed);
  // A connection that sends no commands (subscriptions) learns of recovery from its node reconnecting.
  cluster.on("node-ready", () => {
    healthy = true;
  });
  return {
    async connect() {
      await cluster.connect();
      state.connected = true;
    },
    async send(key, args) {
      const reply = (await cluster.sendCommand(key, false, args, AS_BUFFERS)) as Reply;
      healthy = true;
      return reply;
    },
    subscribe: (channel, listener) => cluster.subscribe(channel, listener, true),
    // Typed for either buffer mode; this listener was subscribed in buffer mode.
    unsubscribe: (channel, listener) => cluster.unsubscribe(channel, listener as AnyListener, true),
    onError: (listener) => errorListeners.add(listener),
    get ready() {
      return cluster.isOpen && healthy;
    },
    get open() {
      return cluster.isOpen;
    },
    destroy: () => cluster.destroy(),
  };
}
