import type { handleBidiStreamingCall } from "@grpc/grpc-js";
import { ToolBridgeError } from "@toolbridge/protocol";
import { toGrpcStatus } from "../grpc/status.js";

/** ConnectWorker streams open at once unless HostOptions.maxWorkerStreams says otherwise. */
export const DEFAULT_MAX_WORKER_STREAMS = 1_000;

/** Whatever way a server call ends, one of these is emitted. */
const CALL_END_EVENTS = ["cancelled", "error", "finish", "close"] as const;

/**
 * ConnectWorker behind a cap on the streams open at once: each one is a worker
 * the host keeps state, timers and registrations for, and a client could
 * otherwise open thousands per connection. One over the cap is answered
 * ResourceExhausted (details.max_worker_streams) before anything else runs.
 */
export function capWorkerStreams(
  handler: handleBidiStreamingCall<unknown, unknown>,
  maxStreams: number,
  onRefused: (error: ToolBridgeError) => void,
): handleBidiStreamingCall<unknown, unknown> {
  if (!Number.isInteger(maxStreams) || maxStreams < 1) {
    throw new RangeError(`maxWorkerStreams must be an integer >= 1, got ${maxStreams}`);
  }
  let open = 0;
  return (call) => {
    if (open >= maxStreams) {
      const error = new ToolBridgeError(
        "ResourceExhausted",
        `too many workers connected: this host accepts ${maxStreams} ConnectWorker streams at once`,
        { details: { max_worker_streams: String(maxStreams) } },
      );
      onRefused(error);
      call.emit("error", toGrpcStatus(error, false));
      return;
    }
    open++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      open--;
    };
    for (const event of CALL_END_EVENTS) call.once(event, release);
    handler(call);
  };
}
