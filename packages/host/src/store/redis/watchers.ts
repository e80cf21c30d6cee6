import { create, fromBinary } from "@bufbuild/protobuf";
import {
  type Variable,
  VariableChangeType,
  VariableSchema,
  type WatchVariablesResponse,
  WatchVariablesResponseSchema,
} from "@toolbridge/protocol";
import { hostError } from "../../errors.js";
import { AsyncQueue } from "../../util/async-queue.js";
import type { WatchOptions } from "../types.js";
import type { RedisConnection } from "./connection.js";

/** A change as published by SET_VARIABLE / DELETE_VARIABLE: "<seq>|SET|<bytes>". */
interface Change {
  readonly seq: number;
  readonly event: WatchVariablesResponse;
}

interface Watcher {
  readonly names: ReadonlySet<string>;
  readonly prefix: string;
  readonly queue: AsyncQueue<WatchVariablesResponse>;
  /** Changes up to this sequence number are already in the initial snapshot. */
  fromSeq: number;
  /** Changes heard before the snapshot was read; undefined once live. */
  pending: Change[] | undefined;
}

interface Channel {
  readonly watchers: Set<Watcher>;
  readonly listener: (message: Buffer) => void;
  /** Settles once Redis confirmed the subscription. */
  readonly ready: Promise<void>;
}

/** The variables of a session at a watch sequence number, read atomically. */
export interface Snapshot {
  seq: number;
  variables: Variable[];
}

/**
 * Variable watchers of this host, fed by Redis pub/sub: one subscription per
 * watched session, decoded once and fanned out. A watcher subscribes first,
 * then reads the snapshot, then drops changes the snapshot already holds (by
 * sequence number), so include_initial has no gap and no duplicate.
 */
export class RedisWatchers {
  private readonly channels = new Map<string, Channel>();
  private readonly bySession = new Map<string, Set<Watcher>>();

  constructor(
    private readonly sub: RedisConnection,
    private readonly channelOf: (sessionId: string) => string,
    private readonly maxBacklog: number,
    private readonly maxPerSession: number,
  ) {
    // A lost subscription means lost changes: fail watchers (clients re-watch with include_initial).
    sub.onError(() => this.failAll());
  }

  async open(
    sessionId: string,
    options: WatchOptions,
    read: (withVariables: boolean) => Promise<Snapshot>,
  ): Promise<AsyncIterable<WatchVariablesResponse>> {
    const own = this.bySession.get(sessionId) ?? new Set<Watcher>();
    if (own.size >= this.maxPerSession) {
      throw hostError("ResourceExhausted", `too many watchers on session ${sessionId} (limit ${this.maxPerSession})`, {
        session_id: sessionId,
      });
    }
    const stop = () => watcher.queue.end();
    const watcher: Watcher = {
      names: new Set(options.names ?? []),
      prefix: options.prefix ?? "",
      fromSeq: 0,
      pending: [],
      queue: new AsyncQueue<WatchVariablesResponse>(this.maxBacklog, () => {
        options.signal?.removeEventListener("abort", stop);
        void this.remove(sessionId, watcher);
      }),
    };
    if (options.signal?.aborted) {
      watcher.queue.end();
      return watcher.queue;
    }
    this.bySession.set(sessionId, own);
    own.add(watcher);
    try {
      await this.subscribe(sessionId, watcher);
      const snapshot = await read(options.includeInitial === true);
      watcher.fromSeq = snapshot.seq;
      if (options.includeInitial) {
        const initial = snapshot.variables.filter((v) => matches(watcher, v.name));
        initial.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const variable of initial) {
          watcher.queue.push(
            create(WatchVariablesResponseSchema, { changeType: VariableChangeType.INITIAL, variable }),
          );
        }
      }
    } catch (error) {
      watcher.queue.end();
      throw error;
    }
    const pending = watcher.pending ?? [];
    watcher.pending = undefined;
    for (const change of pending) deliver(watcher, change);
    options.signal?.addEventListener("abort", stop, { once: true });
    return watcher.queue;
  }

  /** The session ended (here or on another host): its watchers end cleanly. */
  endSession(sessionId: string): void {
    for (const watcher of [...(this.bySession.get(sessionId) ?? [])]) watcher.queue.end();
  }

  /** Ends every watcher with Unavailable (the subscription was lost, so changes may have been missed). */
  failAll(): void {
    for (const watchers of this.bySession.values()) {
      for (const watcher of [...watchers]) {
        watcher.queue.fail(hostError("Unavailable", "session store connection lost; watch again"));
      }
    }
  }

  close(): void {
    for (const watchers of [...this.bySession.values()]) for (const w of [...watchers]) w.queue.end();
  }

  private async subscribe(sessionId: string, watcher: Watcher): Promise<void> {
    const name = this.channelOf(sessionId);
    let channel = this.channels.get(name);
    if (!channel) {
      const watchers = new Set<Watcher>();
      const listener = (message: Buffer) => {
        const change = parseChange(message);
        for (const w of watchers) {
          if (w.pending) w.pending.push(change);
          else deliver(w, change);
        }
      };
      const ready = this.sub.subscribe(name, listener).catch((error: unknown) => {
        this.channels.delete(name);
        throw this.sub.translate(error);
      });
      channel = { watchers, listener, ready };
      this.channels.set(name, channel);
    }
    channel.watchers.add(watcher);
    await channel.ready;
  }

  private async remove(sessionId: string, watcher: Watcher): Promise<void> {
    const own = this.bySession.get(sessionId);
    own?.delete(watcher);
    if (own?.size === 0) this.bySession.delete(sessionId);
    const name = this.channelOf(sessionId);
    const channel = this.channels.get(name);
    if (!channel) return;
    channel.watchers.delete(watcher);
    if (channel.watchers.size > 0) return;
    this.channels.delete(name);
    await this.sub.unsubscribe(name, channel.listener).catch(() => {});
  }
}

function deliver(watcher: Watcher, change: Change): void {
  if (change.seq <= watcher.fromSeq) return;
  const name = change.event.variable?.name ?? "";
  if (matches(watcher, name)) watcher.queue.push(change.event);
}

function matches(watcher: Watcher, name: string): boolean {
  if (watcher.names.size === 0 && watcher.prefix === "") return true;
  return watcher.names.has(name) || (watcher.prefix !== "" && name.startsWith(watcher.prefix));
}

const BAR = 0x7c;

function parseChange(message: Buffer): Change {
  const first = message.indexOf(BAR);
  const second = message.indexOf(BAR, first + 1);
  const seq = Number(message.subarray(0, first).toString("latin1"));
  const type = message.subarray(first + 1, second).toString("latin1");
  const variable = fromBinary(VariableSchema, message.subarray(second + 1));
  const changeType = type === "DELETED" ? VariableChangeType.DELETED : VariableChangeType.SET;
  return { seq, event: create(WatchVariablesResponseSchema, { changeType, variable }) };
}
