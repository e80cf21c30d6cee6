import type { Any } from "@bufbuild/protobuf/wkt";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { decodeStreamData, ProtocolError, type StreamToolResponse } from "@toolbridge/protocol";
import { callError, errorFromInfo } from "./error-mapping.js";
import { nextRetryDelay, sleep } from "./retry.js";
import type { RetryPolicy } from "./types.js";

export interface ToolStreamOptions {
  /** Starts one attempt of the call. */
  open(deadline: number): ClientReadableStream<StreamToolResponse>;
  toolName: string;
  /** Overall deadline (epoch ms) of all attempts. */
  deadline: number;
  signal: AbortSignal | undefined;
  retry: RetryPolicy | false;
}

/**
 * Reads a StreamTool call as decoded chunks. Every chunk received is yielded
 * before any failure is thrown; the stream must end with a `complete` or
 * `error` chunk, with sequence numbers 0, 1, 2... and one stream id, else
 * ProtocolError. A failure before the first chunk is retried like a unary call
 * (nothing was delivered yet); after it, never (chunks cannot be taken back).
 * Leaving the loop early cancels the call on the host.
 */
export async function* readToolStream(options: ToolStreamOptions): AsyncGenerator<unknown, void, undefined> {
  const context = { toolName: options.toolName };
  const { signal } = options;
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw callError(undefined, context, signal);
    const call = options.open(options.deadline);
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    const state = new StreamState(options.toolName);
    try {
      for await (const chunk of messagesOf(call)) {
        const data = state.accept(chunk);
        // Byte chunks come as views of the received message, not copies.
        if (data !== undefined) yield decodeStreamData(data);
      }
      state.assertFinished();
      return;
    } catch (thrown) {
      const error = callError(thrown, context, signal);
      const delay = state.received === 0 ? nextRetryDelay(error, retry, options.retry, false) : undefined;
      if (delay === undefined || Date.now() + delay >= options.deadline) throw error;
      await sleep(delay, signal, () => callError(undefined, context, signal));
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!state.finished) call.cancel();
    }
  }
}

/** Messages taken ahead of the consumer before the call is paused. */
const READ_AHEAD = 16;

/**
 * The call's messages, taken in flowing mode ("data" events) rather than by
 * `for await` over the grpc-js stream (paused mode, a "readable" round trip per
 * message): on 100 MB streams under load that cost the client ~17% more CPU,
 * much of it in major GCs. The call is paused while the consumer is READ_AHEAD
 * messages behind, so a slow consumer still holds the host back through HTTP/2
 * flow control. Messages that arrived are yielded before the call's error is thrown.
 */
async function* messagesOf<T>(call: ClientReadableStream<T>): AsyncGenerator<T, void, undefined> {
  const queue: T[] = [];
  let head = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  call.on("data", (message: T) => {
    if (queue.push(message) - head >= READ_AHEAD) call.pause();
    notify();
  });
  call.on("end", () => {
    ended = true;
    notify();
  });
  // Stays attached after the consumer leaves: cancelling the call ends it with an error too.
  call.on("error", (error: unknown) => {
    failure ??= { error };
    notify();
  });
  for (;;) {
    if (head < queue.length) {
      const message = queue[head] as T;
      queue[head++] = undefined as T; // the consumer alone holds it now
      if (head === queue.length) queue.length = head = 0;
      if (call.isPaused() && queue.length - head <= READ_AHEAD / 2) call.resume();
      yield message;
    } else if (failure) {
      throw failure.error;
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
}

/** Checks one stream's chunks against the protocol as they arrive. */
class StreamState {
  received = 0;
  finished = false;
  private dataChunks = 0n;
  private streamId: string | undefined;

  constructor(private readonly toolName: string) {}

  /** Returns the chunk's data to yield, undefined for control chunks; throws on violations. */
  accept(chunk: StreamToolResponse): Any | undefined {
    const sequence = BigInt(this.received);
    this.received++;
    if (this.finished) throw this.violation(`chunk ${chunk.sequence} after the stream's final chunk`);
    if (chunk.sequence !== sequence) {
      const kind = chunk.sequence < sequence ? "duplicate" : "out-of-order";
      throw this.violation(`${kind} chunk: sequence ${chunk.sequence}, expected ${sequence}`, {
        expected: String(sequence),
        received: String(chunk.sequence),
      });
    }
    if (this.streamId === undefined) this.streamId = chunk.streamId;
    else if (chunk.streamId !== this.streamId) {
      throw this.violation(`chunk of stream ${chunk.streamId} within stream ${this.streamId}`);
    }
    const content = chunk.content;
    switch (content.case) {
      case "data":
        this.dataChunks++;
        return content.value;
      case "metadata":
        return undefined;
      case "complete":
        this.finished = true;
        if (content.value.totalChunks !== this.dataChunks) {
          throw this.violation(
            `complete chunk reports ${content.value.totalChunks} chunks, ${this.dataChunks} arrived`,
          );
        }
        return undefined;
      case "error":
        this.finished = true;
        throw errorFromInfo(content.value, { toolName: this.toolName });
      default:
        throw this.violation(`chunk ${chunk.sequence} has no content`);
    }
  }

  assertFinished(): void {
    if (!this.finished) {
      throw this.violation(`stream ended after ${this.received} chunks without a complete or error chunk`);
    }
  }

  private violation(message: string, details: Record<string, string> = {}): ProtocolError {
    return new ProtocolError(`${this.toolName}: ${message}`, { details: { ...details, tool_name: this.toolName } });
  }
}
