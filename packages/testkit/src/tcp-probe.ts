import { connect, type Socket } from "node:net";
import { parseHostPort } from "./address.js";
import { waitFor } from "./wait-for.js";

export interface ProbeOutcome {
  /** Set when the connection ended in an error (e.g. ECONNRESET), unset on a clean close. */
  readonly error?: NodeJS.ErrnoException;
  /** The peer ended its side (FIN) before the socket closed. */
  readonly endedByPeer: boolean;
}

/** A TCP client for proxy tests that records what it receives and how the connection ended. */
export class TcpProbe {
  readonly chunks: Buffer[] = [];
  /** Resolves when the socket has closed, never rejects. */
  readonly closed: Promise<ProbeOutcome>;
  private endedByPeer = false;
  private error: NodeJS.ErrnoException | undefined;

  private constructor(readonly socket: Socket) {
    socket.on("data", (data: Buffer) => this.chunks.push(data));
    socket.on("end", () => {
      this.endedByPeer = true;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      this.error = error;
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", () =>
        resolve(this.error ? { error: this.error, endedByPeer: this.endedByPeer } : { endedByPeer: this.endedByPeer }),
      ),
    );
  }

  /** Connects to "host:port"; rejects with the socket error if the connection fails. */
  static connect(address: string): Promise<TcpProbe> {
    const { host, port } = parseHostPort(address);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new TcpProbe(socket));
      });
    });
  }

  get receivedBytes(): number {
    return this.chunks.reduce((total, chunk) => total + chunk.length, 0);
  }

  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  send(data: Buffer | string): void {
    this.socket.write(data);
  }

  /** Waits until at least `bytes` bytes have arrived in total. */
  async receive(bytes: number, timeoutMs = 5000): Promise<Buffer> {
    await waitFor(() => this.receivedBytes >= bytes, {
      timeoutMs,
      message: () => `expected ${bytes} bytes, received ${this.receivedBytes}`,
    });
    return this.received();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
