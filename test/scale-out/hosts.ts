// Test helper: several hosts in this process sharing one Redis, each with its own store.
import type { HostOptions } from "../../packages/host/src/host.js";
import { type Started, startHost } from "../../packages/host/src/testing/hosts.js";

/** Hosts named `${name}-0`, `${name}-1`... (ids must be unique in a cluster). */
export async function startHosts(
  count: number,
  url: string,
  options: HostOptions = {},
  name = "host",
): Promise<Started[]> {
  const hosts: Started[] = [];
  for (let i = 0; i < count; i++) {
    hosts.push(await startHost({ store: url, cluster: { hostId: `${name}-${i}`, heartbeatMs: 200 }, ...options }));
  }
  return hosts;
}

export async function stopAll(hosts: readonly Started[]): Promise<void> {
  await Promise.all(hosts.map((h) => h.stop()));
}
