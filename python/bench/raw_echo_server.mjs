// Baseline for python/bench/unary_p50.py: a bare grpc-js server answering
// BridgeService.ExecuteTool with its first argument, untouched. No sessions,
// registry, validation or value decoding: what the wire alone costs.
import { create } from "@bufbuild/protobuf";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import { bridgeServiceDefinition, ExecuteToolResponseSchema } from "@toolbridge/protocol";

const server = new Server();
server.addService(
  { ExecuteTool: bridgeServiceDefinition.ExecuteTool },
  {
    ExecuteTool: (call, callback) => {
      const result = call.request.args[0];
      if (!result) return callback({ code: status.INVALID_ARGUMENT, details: "no argument" });
      callback(null, create(ExecuteToolResponseSchema, { success: true, result, requestId: call.request.requestId }));
    },
  },
);
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`toolbridge listening on 127.0.0.1:${port}\n`);
});
process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
