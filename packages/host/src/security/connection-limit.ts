import type { Server as NetServer, Socket } from "node:net";
import type { HostMetrics } from "../observability/metrics.js";

/** Concurrent connections one listener (the gRPC port, the gateway port) accepts unless HostOptions.maxConnections says otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

export type ListenerTransport = "grpc" | "http";

/**
 * The cap on one listener's concurrent connections. Node's own `maxConnections`
 * does the refusing: a connection over the cap is closed as soon as it is
 * accepted, before any TLS or HTTP/2 work (the client sees a reset:
 * UNAVAILABLE on gRPC), and costs no JavaScript on the call path. This class
 * keeps the count of open and refused connections for metrics and reports
 * each refusal (the audit log turns a burst into one line).
 */
export class ConnectionLimit {
  private readonly sockets = new Set<Socket>();
  private refusedCount = 0;

  constructor(
    readonly transport: ListenerTransport,
    readonly maxConnections: number,
    private readonly onRefused: (limit: ConnectionLimit, remoteAddress: string | undefined) => void = () => {},
  ) {
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new RangeError(`maxConnections must be an integer >= 1, got ${maxConnections}`);
    }
  }

  /** Connections open now. */
  get open(): number {
    return this.sockets.size;
  }

  /** Connections refused at the cap since the listener started. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Caps `server` (before it listens) and counts what it accepts and drops. */
  attach(server: NetServer): void {
    server.maxConnections = this.maxConnections;
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    // Node >= 18.6 emits "drop" for every connection it closed at maxConnections.
    server.on("drop", (dropped?: { remoteAddress?: string }) => {
      this.refusedCount++;
      this.onRefused(this, dropped?.remoteAddress);
    });
  }

  /** Closes connections still open (ones that never became a session are unknown to grpc-js and would linger). */
  destroyOpen(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}

/** `toolbridge_connections_open` and `toolbridge_connections_refused_total` by transport, read when scraped. */
export function registerConnectionMetrics(metrics: HostMetrics, limits: readonly ConnectionLimit[]): void {
  metrics.onPrometheus((prom, registry) => {
    new prom.Gauge({
      name: "toolbridge_connections_open",
      help: "Client connections open, by listener (grpc, http)",
      labelNames: ["transport"] as const,
      registers: [registry],
      collect() {
        for (const limit of limits) this.set({ transport: limit.transport }, limit.open);
      },
    });
    new prom.Counter({
      name: "toolbridge_connections_refused_total",
      help: "Client connections refused because the listener was at its connection cap",
      labelNames: ["transport"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const limit of limits) this.inc({ transport: limit.transport }, limit.refused);
      },
    });
  });
}
