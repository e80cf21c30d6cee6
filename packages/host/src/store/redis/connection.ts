import { createHash } from "node:crypto";
import { ToolBridgeError } from "@toolbridge/protocol";
import { type MessageListener, type RedisDriver, type Reply, redisCluster, singleServer } from "./driver.js";

export type { Reply } from "./driver.js";

export interface RedisConnectionOptions {
  /** How long connecting may take before the host gives up (2 s). */
  connectTimeoutMs?: number;
  /**
   * How long a command may wait for its reply (2 s). Past it the server is
   * taken as hung (stopped, not gone: the connection stays up and would wait for
   * ever): the commands waiting fail with Unavailable, and so does every new
   * one at once, until the server answers again.
   */
  commandTimeoutMs?: number;
  /** The URL names one node of a Redis Cluster (or Valkey cluster) rather than a single server. */
  cluster?: boolean;
}

/** A command waiting for its reply, failed by the watchdog when the server stops answering. */
interface Waiting {
  readonly sentAt: number;
  readonly fail: (error: unknown) => void;
}

export interface Script {
  readonly source: string;
  readonly sha: string;
}

export function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * One Redis connection for commands and scripts. Commands never wait for a
 * lost connection: the offline queue is disabled, so while Redis is away every
 * command fails at once with Unavailable (a retryable status the client sees as
 * UNAVAILABLE), and the client reconnects in the background with backoff. A
 * server that is up but does not answer (stopped, overloaded) is caught by a
 * watchdog: see RedisConnectionOptions.commandTimeoutMs. A command that timed out
 * may still take effect when the server resumes, as with any network timeout.
 */
export class RedisConnection {
  /** Commands sent and not answered yet, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<Waiting>();
  /** Writes waiting to go out with the next command (or within DEFER_MS), so they cost no write of their own. */
  private deferred: Array<() => Promise<unknown>> = [];
  private deferTimer: NodeJS.Timeout | undefined;
  /** Set when the oldest command went unanswered too long; cleared by the next reply. */
  private stalled: Error | undefined;
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    readonly url: string,
    private readonly driver: RedisDriver,
    private readonly commandTimeoutMs: number,
  ) {
    this.watchdog = setInterval(() => this.checkReplies(), Math.max(10, commandTimeoutMs / 4));
    this.watchdog.unref();
  }

  /** Connects, or rejects with Unavailable naming the URL (Redis down at start is a startup error). */
  static async open(url: string, options: RedisConnectionOptions = {}): Promise<RedisConnection> {
    const connect = options.cluster ? redisCluster : singleServer;
    const driver = connect(url, { connectTimeoutMs: options.connectTimeoutMs ?? 2_000 });
    driver.onError(() => {
      // Failures surface on the commands; the event only needs a listener so Node does not throw.
    });
    try {
      await driver.connect();
    } catch (error) {
      if (driver.open) driver.destroy();
      throw unavailable(url, error);
    }
    return new RedisConnection(url, driver, options.commandTimeoutMs ?? 2_000);
  }

  /** Runs a Lua script by its SHA, loading it on first use (or after a Redis restart). */
  async eval(s: Script, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<Reply> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.send(keys[0], ["EVALSHA", s.sha, ...tail]);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
        try {
          return await this.send(keys[0], ["EVAL", s.source, ...tail]);
        } catch (retryError) {
          throw this.translate(retryError);
        }
      }
      throw this.translate(error);
    }
  }

  /**
   * Runs a script that nobody waits for (such as storing an outcome after the
   * response left): it goes out with the next command sent on this connection,
   * in the same write, or within DEFER_MS when there is none. Order with later
   * commands is kept: it is sent before them.
   *
   * Sent as EVAL with the source, not EVALSHA: a script Redis does not have yet
   * (first use, or after a restart) would fail with NOSCRIPT and its retry would
   * go out after later commands, so an outcome could reach Redis before the
   * record it completes and be lost.
   */
  evalSoon(s: Script, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<Reply> {
    const command = ["EVAL", s.source, String(keys.length), ...keys, ...args];
    return new Promise<Reply>((resolve, reject) => {
      this.deferred.push(() => this.send(keys[0], command).then(resolve, (error) => reject(this.translate(error))));
      this.deferTimer ??= setTimeout(() => this.flushDeferred(), DEFER_MS);
    });
  }

  /** A command whose key (if any) is its first argument, as every command the store sends. */
  async command(args: readonly (string | Buffer)[]): Promise<Reply> {
    const key = typeof args[1] === "string" ? args[1] : undefined;
    try {
      return await this.send(key, [...args]);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Connected, and the server answers. */
  get ready(): boolean {
    return this.driver.ready && this.stalled === undefined;
  }

  /** Subscribes (classic pub/sub), failing like a command if Redis does not confirm in time. */
  subscribe(channel: string, listener: MessageListener): Promise<void> {
    return this.bounded(this.driver.subscribe(channel, listener));
  }

  async unsubscribe(channel: string, listener: MessageListener): Promise<void> {
    if (this.driver.ready) await this.bounded(this.driver.unsubscribe(channel, listener));
  }

  /** The connection was lost (changes published meanwhile are missed); it comes back by itself. */
  onError(listener: () => void): void {
    this.driver.onError(listener);
  }

  /** Sends the deferred writes and waits for them, then disconnects. */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    const last = this.flushDeferred();
    if (last.length > 0 && this.driver.ready) await Promise.allSettled(last);
    if (this.driver.open) this.driver.destroy();
  }

  /** Errors a script raises on purpose are ToolBridgeErrors already; anything else is the store being away. */
  translate(error: unknown): unknown {
    if (error instanceof ToolBridgeError) return error;
    if (error instanceof Error && /^(TB:|ERR|WRONGTYPE|NOSCRIPT|BUSY|CROSSSLOT)/.test(error.message)) return error;
    return unavailable(this.url, error);
  }

  /** A reply of this connection, failed by the watchdog if the server does not answer in time. */
  private bounded<T>(reply: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = { sentAt: Date.now(), fail: reject };
      this.waiting.add(entry);
      const settled = () => {
        this.waiting.delete(entry);
        // Any reply (or connection error) means the server is no longer silent.
        this.stalled = undefined;
      };
      reply.then(
        (value) => {
          settled();
          resolve(value);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
    });
  }

  /** Sends a command, failing it if the server does not answer in time (and at once while it does not). */
  private send(key: string | undefined, args: (string | Buffer)[]): Promise<Reply> {
    if (this.deferred.length > 0) this.flushDeferred();
    if (this.stalled) return Promise.reject(this.stalled);
    return this.bounded(this.driver.send(key, args));
  }

  private flushDeferred(): Promise<unknown>[] {
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    const due = this.deferred;
    this.deferred = [];
    return due.map((write) => write());
  }

  /** The oldest command waited past the timeout: the server is hung; fail everything waiting on it. */
  private checkReplies(): void {
    const oldest = this.waiting.values().next().value;
    if (!oldest || Date.now() - oldest.sentAt <= this.commandTimeoutMs) return;
    this.stalled = new Error(`no reply within ${this.commandTimeoutMs} ms`);
    for (const entry of this.waiting) entry.fail(this.stalled);
    this.waiting.clear();
  }
}

/** Longest a deferred write waits for a command to go out with. */
const DEFER_MS = 1;

/** The store cannot be reached: a retryable Unavailable naming the URL (without its password). */
function unavailable(url: string, cause: unknown): ToolBridgeError {
  const shown = redactUrl(url);
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ToolBridgeError("Unavailable", `session store ${shown} unavailable: ${reason}`, {
    details: { store_url: shown },
    cause,
  });
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
