import { Client, type ClientReadableStream, credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { type ErrorInfo, errorInfoFromMetadata } from "@toolbridge/protocol";

/** Bytes go out exactly as given and come back undecoded: the host alone judges them. */
const passthrough = (bytes: Buffer): Buffer => bytes;

export type WireOutcome =
  | { readonly ok: true; readonly messages: number; readonly last?: Buffer }
  | { readonly ok: false; readonly code: number; readonly details: string; readonly info: ErrorInfo | undefined };

const path = (method: string) => `/toolbridge.v1.BridgeService/${method}`;

/** A grpc-js client of BridgeService that sends raw frames. */
export class RawWireClient {
  readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure(), {
      "grpc.max_send_message_length": 64 * 1024 * 1024,
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
      // Its own connection, not one shared with other clients of the same address.
      "grpc.use_local_subchannel_pool": 1,
    });
  }

  unary(method: string, frame: Uint8Array, deadlineMs = 5000, metadata = new Metadata()): Promise<WireOutcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path(method),
        passthrough,
        passthrough,
        Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength),
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error: ServiceError | null, response?: Buffer) =>
          resolve(error ? failed(error) : { ok: true, messages: 1, ...(response ? { last: response } : {}) }),
      );
    });
  }

  /** Reads a server stream until it ends, fails, or `maxMessages` arrived (then cancels: success). */
  serverStream(method: string, frame: Uint8Array, deadlineMs = 5000, maxMessages = 100): Promise<WireOutcome> {
    return new Promise((resolve) => {
      const call: ClientReadableStream<Buffer> = this.client.makeServerStreamRequest(
        path(method),
        passthrough,
        passthrough,
        Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength),
        new Metadata(),
        { deadline: Date.now() + deadlineMs },
      );
      let messages = 0;
      call.on("data", () => {
        messages++;
        if (messages >= maxMessages) {
          call.cancel();
          resolve({ ok: true, messages });
        }
      });
      call.on("error", (error: ServiceError) =>
        resolve(error.code === status.CANCELLED && messages >= maxMessages ? { ok: true, messages } : failed(error)),
      );
      call.on("end", () => resolve({ ok: true, messages }));
    });
  }

  close(): void {
    this.client.close();
  }
}

function failed(error: ServiceError): WireOutcome {
  return { ok: false, code: error.code, details: error.details, info: errorInfoFromMetadata(error.metadata) };
}
