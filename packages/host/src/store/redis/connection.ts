import { createHash } from "node:crypto";
import { ToolBridgeError } from "@toolbridge/protocol";
import { createClient, RESP_TYPES, type RedisClientType } from "redis";

/** Replies of scripts: integers as numbers, bulk strings as Buffers (values are binary protobuf). */
export type Reply = number | Buffer | null | Reply[];

const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

export interface RedisConnectionOptions {
  /** How long connecting may take before the host gives up (2 s). */
  connectTimeoutMs?: number;
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
 * UNAVAILABLE), and the client reconnects in the background with backoff.
 */
export class RedisConnection {
  private constructor(
    readonly url: string,
    readonly client: RedisClientType,
  ) {}

  /** Connects, or rejects with Unavailable naming the URL (Redis down at start is a startup error). */
  static async open(url: string, options: RedisConnectionOptions = {}): Promise<RedisConnection> {
    const state = { connected: false };
    const client = newClient(url, options.connectTimeoutMs ?? 2_000, state);
    client.on("error", () => {
      // Failures surface on the commands; the event only needs a listener so Node does not throw.
    });
    try {
      await client.connect();
      state.connected = true;
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw unavailable(url, error);
    }
    return new RedisConnection(url, client as RedisClientType);
  }

  /** Runs a Lua script by its SHA, loading it on first use (or after a Redis restart). */
  async eval(s: Script, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<Reply> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return (await this.client.sendCommand(["EVALSHA", s.sha, ...tail], AS_BUFFERS)) as Reply;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
        return this.command(["EVAL", s.source, ...tail]);
      }
      throw this.translate(error);
    }
  }

  async command(args: readonly (string | Buffer)[]): Promise<Reply> {
    try {
      return (await this.client.sendCommand([...args], AS_BUFFERS)) as Reply;
    } catch (error) {
      throw this.translate(error);
    }
  }

  get ready(): boolean {
    return this.client.isReady;
  }

  async close(): Promise<void> {
    if (this.client.isOpen) this.client.destroy();
  }

  /** Errors a script raises on purpose are ToolBridgeErrors already; anything else is the store being away. */
  translate(error: unknown): unknown {
    if (error instanceof ToolBridgeError) return error;
    if (error instanceof Error && /^(TB:|ERR|WRONGTYPE|NOSCRIPT|BUSY)/.test(error.message)) return error;
    return unavailable(this.url, error);
  }
}

/** The first connect fails at once (Redis down at start is a startup error); later losses reconnect with backoff. */
function newClient(url: string, connectTimeoutMs: number, state: { connected: boolean }) {
  return createClient({
    url,
    // Fail fast while disconnected instead of queueing commands until Redis returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries: number, cause: Error) =>
        state.connected ? Math.min(50 * 2 ** retries, 1_000) : cause,
    },
  });
}

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
