// Test helper (not built into dist): starts a host on a free loopback port.
import { createHost, type Host, type HostOptions } from "../host.js";
import { type TestClient, testClient } from "./client.js";

export interface Started {
  host: Host;
  client: TestClient;
  stop(): Promise<void>;
}

export async function startHost(options: HostOptions = {}): Promise<Started> {
  const host = await createHost({ port: 0, host: "127.0.0.1", logLevel: "silent", ...options });
  const client = testClient(host.address);
  return {
    host,
    client,
    async stop() {
      client.close();
      await host.close({ graceMs: 100 });
    },
  };
}
