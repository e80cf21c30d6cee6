import type { Any } from "@bufbuild/protobuf/wkt";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { decodeValue, ProtocolError, type StreamToolResponse } from "@toolbridge/protocol";
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
      for await (const chunk of call as AsyncIterable<StreamToolResponse>) {
        const data = state.accept(chunk);
        if (data !== undefined) yield decodeValue(data);
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
