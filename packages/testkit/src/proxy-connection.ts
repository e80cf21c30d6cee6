import { connect, type Socket } from "node:net";
import type { HostPort } from "./address.js";
import { Link, type LinkOwner } from "./link.js";
import type { Toxic, ToxicStream } from "./toxic.js";

/** A graceful close that the peer never lets finish is forced after this long. */
const CLOSE_GRACE_MS = 1000;

export interface ConnectionHooks {
  forwarded(stream: ToxicStream, bytes: number): void;
  closed(connection: ProxyConnection): void;
}

/** One accepted client socket, its upstream socket, and the two links between them. */
export class ProxyConnection implements LinkOwner {
  private readonly controller = new AbortController();
  private readonly upstreamSocket: Socket;
  private readonly links: Readonly<Record<ToxicStream, Link>>;
  private openSockets = 2;

  constructor(
    private readonly client: Socket,
    upstream: HostPort,
    toxics: Iterable<Toxic>,
    private readonly hooks: ConnectionHooks,
  ) {
    client.setNoDelay(true);
    this.upstreamSocket = connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
    this.links = {
      upstream: new Link("upstream", client, this.upstreamSocket, this),
      downstream: new Link("downstream", this.upstreamSocket, client, this),
    };
    for (const toxic of toxics) this.activate(toxic);
    for (const [socket, peer] of [
      [client, this.upstreamSocket],
      [this.upstreamSocket, client],
    ] as const) {
      // An abrupt failure on one side (reset, refused, broken pipe) becomes an abrupt one on the other.
      socket.on("error", () => this.abortWith(() => resetSocket(peer)));
      socket.on("close", () => this.socketClosed());
    }
    this.links.upstream.start();
    this.links.downstream.start();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  activate(toxic: Toxic): void {
    if (!this.signal.aborted) this.links[toxic.stream].activate(toxic);
  }

  deactivate(toxic: Toxic): void {
    this.links[toxic.stream].deactivate(toxic.name);
  }

  forwarded(stream: ToxicStream, bytes: number): void {
    this.hooks.forwarded(stream, bytes);
  }

  close(): void {
    this.abortWith(() => {
      for (const socket of [this.client, this.upstreamSocket]) {
        if (socket.destroyed) continue;
        const force = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
        socket.end(() => {
          clearTimeout(force);
          socket.destroy();
        });
      }
    });
  }

  reset(): void {
    this.abortWith(() => {
      resetSocket(this.client);
      resetSocket(this.upstreamSocket);
    });
  }

  private abortWith(teardown: () => void): void {
    if (this.signal.aborted) return;
    this.controller.abort();
    this.links.upstream.dispose();
    this.links.downstream.dispose();
    teardown();
  }

  private socketClosed(): void {
    this.openSockets -= 1;
    if (this.openSockets > 0) return;
    this.abortWith(() => {});
    this.hooks.closed(this);
  }
}

function resetSocket(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}
