import type { Socket } from "node:net";
import type { Toxic, ToxicStream } from "./toxic.js";
import { type Chunk, createToxicRuntime, type LinkControl, type ToxicRuntime } from "./toxic-runtime.js";

/** Above this many queued bytes the source is paused, so a held or slowed link pushes back on the sender. */
const HIGH_WATER_BYTES = 1 << 20;

export interface LinkOwner extends Pick<LinkControl, "close" | "reset"> {
  /** Aborted when the connection is torn down. */
  readonly signal: AbortSignal;
  forwarded(stream: ToxicStream, bytes: number): void;
}

/**
 * One direction of one proxied connection. Chunks pass one at a time, in order, through the
 * toxics active at the moment the chunk starts; toxics can be activated and stopped at any time,
 * which is how a toxic added to the proxy reaches connections that are already open.
 */
export class Link {
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private sourceEnded = false;
  private pumping = false;
  private lastWrite: Promise<void> = Promise.resolve();
  private readonly runtimes = new Map<string, ToxicRuntime>();
  private readonly control: LinkControl;

  constructor(
    readonly stream: ToxicStream,
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly owner: LinkOwner,
  ) {
    this.control = { flushed: () => this.lastWrite, close: () => owner.close(), reset: () => owner.reset() };
  }

  start(): void {
    this.source.on("data", (data: Buffer) => {
      this.queue.push({ data, arrivedAt: performance.now() });
      this.queuedBytes += data.length;
      if (this.queuedBytes > HIGH_WATER_BYTES) this.source.pause();
      void this.pump();
    });
    this.source.on("end", () => {
      this.sourceEnded = true;
      void this.pump();
    });
  }

  /** Starts (or restarts with new attributes, keeping its place in the order) a toxic on this link. */
  activate(toxic: Toxic): void {
    this.runtimes.get(toxic.name)?.stop();
    if (Math.random() < toxic.toxicity) {
      this.runtimes.set(toxic.name, createToxicRuntime(toxic, this.control));
    } else {
      this.runtimes.delete(toxic.name);
    }
  }

  deactivate(name: string): void {
    this.runtimes.get(name)?.stop();
    this.runtimes.delete(name);
  }

  dispose(): void {
    for (const runtime of this.runtimes.values()) runtime.stop();
    this.runtimes.clear();
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let chunk = this.queue.shift(); chunk && !this.owner.signal.aborted; chunk = this.queue.shift()) {
        this.queuedBytes -= chunk.data.length;
        if (this.source.isPaused() && this.queuedBytes <= HIGH_WATER_BYTES / 2) this.source.resume();
        await this.through([...this.runtimes.values()], 0, chunk);
      }
      // Half-close: the sender's FIN goes on only after everything it sent before it.
      if (this.sourceEnded && this.queue.length === 0 && !this.owner.signal.aborted) this.destination.end();
    } finally {
      this.pumping = false;
    }
  }

  private through(runtimes: readonly ToxicRuntime[], index: number, chunk: Chunk): Promise<void> {
    const runtime = runtimes[index];
    if (!runtime) return this.deliver(chunk);
    return runtime.pipe(chunk, (next) => this.through(runtimes, index + 1, next));
  }

  private async deliver(chunk: Chunk): Promise<void> {
    const { destination, owner } = this;
    if (owner.signal.aborted || destination.destroyed || destination.writableEnded || chunk.data.length === 0) return;
    let accepted = true;
    this.lastWrite = new Promise((resolve) => {
      accepted = destination.write(chunk.data, () => resolve());
    });
    owner.forwarded(this.stream, chunk.data.length);
    if (!accepted) await drained(destination, owner.signal);
  }
}

function drained(socket: Socket, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done).off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    socket.on("drain", done).on("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
