// Channel and server options both sides of the baseline share with toolbridge, so
// a ratio measures toolbridge's own cost and not a different transport setting:
// the same message limit and the same client flow-control window that the
// toolbridge client uses by default.
import { DEFAULT_LIMITS } from "./protocol-lite.mjs";

export const baselineServerOptions = {
  "grpc.max_receive_message_length": DEFAULT_LIMITS.maxMessageBytes,
  "grpc.max_send_message_length": DEFAULT_LIMITS.maxMessageBytes,
};

export const baselineChannelOptions = {
  ...baselineServerOptions,
  "grpc-node.flow_control_window": DEFAULT_LIMITS.clientFlowControlWindowBytes,
};
