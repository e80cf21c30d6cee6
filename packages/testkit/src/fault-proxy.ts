import { createServer, type Server, type Socket } from "node:net";
import { assertLoopback, formatHostPort, type HostPort, parseHostPort } from "./address.js";
import { TestkitError } from "./errors.js";
import { ProxyConnection } from "./proxy-connection.js";
import { normalizeToxic, type Toxic, type ToxicSpec, type ToxicStream } from "./toxic.js";

export interface FaultProxyOptions {
  /** "host:port" to forward to. */
  readonly upstream: string;
  /** Loopback "host:port" to listen on; default 127.0.0.1:0 (a free port). */
  readonly listen?: string;
  readonly name?: string;
  /** Start disabled (port reserved, connections refused). Default true. */
  readonly enabled?: boolean;
}

/** A proxy as toxiproxy's API describes it. */
export interface FaultProxyDescription {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: Toxic[];
}

/**
 * A TCP proxy in front of one upstream that injects toxiproxy-style faults ("toxics") per
 * direction. Toxics added or removed at run time apply to open connections too, which matters
 * for HTTP/2 (gRPC) where one connection lives for the whole test.
 */
export class FaultProxy {
  private server: Server | undefined;
  private listenAddress: HostPort;
  private upstreamAddress: HostPort;
  private readonly toxicsByName = new Map<string, Toxic>();
  private readonly open = new Set<ProxyConnection>();
  private readonly counters = { accepted: 0, upstream: 0, downstream: 0 };
  private closed = false;

  private constructor(
    readonly name: string,
    listen: HostPort,
    upstream: HostPort,
  ) {
    this.listenAddress = listen;
    this.upstreamAddress = upstream;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const listen = parseHostPort(options.listen ?? "127.0.0.1:0");
    assertLoopback(listen);
    const proxy = new FaultProxy(options.name ?? "proxy", listen, parseHostPort(options.upstream));
    // Listen even when starting disabled, to learn (and keep) the port callers will use.
    await proxy.enable();
    if (options.enabled === false) await proxy.disable();
    return proxy;
  }

  /** "host:port" clients connect to. */
  get address(): string {
    return formatHostPort(this.listenAddress);
  }

  get port(): number {
    return this.listenAddress.port;
  }

  get upstream(): string {
    return formatHostPort(this.upstreamAddress);
  }

  /** New connections go to this upstream; open ones stay where they are. */
  set upstream(address: string) {
    this.upstreamAddress = parseHostPort(address);
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  /** Connections open right now. */
  get connections(): number {
    return this.open.size;
  }

  /** Connections accepted since start. */
  get acceptedConnections(): number {
    return this.counters.accepted;
  }

  /** Bytes delivered in each direction since start (after toxics). */
  get bytes(): { upstream: number; downstream: number } {
    return { upstream: this.counters.upstream, downstream: this.counters.downstream };
  }

  get toxics(): Toxic[] {
    return [...this.toxicsByName.values()];
  }

  describe(): FaultProxyDescription {
    return {
      name: this.name,
      listen: this.address,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics,
    };
  }

  getToxic(name: string): Toxic {
    const toxic = this.toxicsByName.get(name);
    if (!toxic) throw new TestkitError("TOXIC_NOT_FOUND", `toxic "${name}" not found on proxy "${this.name}"`);
    return toxic;
  }

  addToxic(spec: ToxicSpec): Toxic {
    const toxic = normalizeToxic(spec);
    if (this.toxicsByName.has(toxic.name)) {
      throw new TestkitError("TOXIC_EXISTS", `toxic "${toxic.name}" already exists on proxy "${this.name}"`);
    }
    this.toxicsByName.set(toxic.name, toxic);
    for (const connection of this.open) connection.activate(toxic);
    return toxic;
  }

  /** Changes attributes (or toxicity); each connection restarts the toxic, so its timers and byte counts restart too. */
  updateToxic(name: string, changes: Pick<ToxicSpec, "attributes" | "toxicity">): Toxic {
    const current = this.getToxic(name);
    const toxic = normalizeToxic({
      ...current,
      toxicity: changes.toxicity ?? current.toxicity,
      attributes: { ...current.attributes, ...changes.attributes },
    });
    this.toxicsByName.set(name, toxic);
    for (const connection of this.open) connection.activate(toxic);
    return toxic;
  }

  removeToxic(name: string): void {
    const toxic = this.getToxic(name);
    this.toxicsByName.delete(name);
    for (const connection of this.open) connection.deactivate(toxic);
  }

  removeAllToxics(): void {
    for (const name of [...this.toxicsByName.keys()]) this.removeToxic(name);
  }

  /** Accepts connections again, on the same address. */
  async enable(): Promise<void> {
    if (this.closed) throw new TestkitError("PROXY_CLOSED", `proxy "${this.name}" is closed`);
    if (this.server) return;
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.listenAddress.host, port: this.listenAddress.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound && typeof bound === "object") this.listenAddress = { host: this.listenAddress.host, port: bound.port };
    this.server = server;
  }

  /** Simulates a host that is down: new connections are refused and open ones are closed. */
  async disable(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.open) connection.close();
    await stopped;
  }

  /** Resets to a clean state: no toxics, enabled (toxiproxy's POST /reset). */
  async reset(): Promise<void> {
    this.removeAllToxics();
    await this.enable();
  }

  async close(): Promise<void> {
    await this.disable();
    this.closed = true;
  }

  private accept(socket: Socket): void {
    this.counters.accepted += 1;
    const connection = new ProxyConnection(socket, this.upstreamAddress, this.toxicsByName.values(), {
      forwarded: (stream: ToxicStream, bytes: number) => {
        this.counters[stream] += bytes;
      },
      closed: (closed) => this.open.delete(closed),
    });
    this.open.add(connection);
  }
}
