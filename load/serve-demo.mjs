// A host serving the demo tools over gRPC and the HTTP gateway, both on free
// loopback ports, for the load scripts. Prints one JSON line
// {"grpc": "127.0.0.1:port", "http": "http://127.0.0.1:port"} once ready and
// closes gracefully on SIGTERM/SIGINT. Runs the built packages: `npm run build` first.
import { demoTools } from "@toolbridge/cli";
import { createHost } from "@toolbridge/host";

const host = await createHost({
  tools: demoTools(),
  host: "127.0.0.1",
  port: 0,
  httpPort: 0,
  logLevel: process.env.LOG_LEVEL ?? "warn",
});
if (!host.httpUrl) {
  console.error("this build of @toolbridge/host has no HTTP gateway: run `npm run build` and retry");
  await host.close({ graceMs: 0 });
  process.exit(1);
}
host.shutdownOnSignals({ graceMs: 2_000 });
console.log(JSON.stringify({ grpc: host.address, http: host.httpUrl }));
