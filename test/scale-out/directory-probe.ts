// Test helper: reads the cluster directory's keys straight from Redis, to check what hosts wrote or deleted.
import type { RedisConnection } from "../../packages/host/src/store/redis/connection.js";
import type { RedisKeys } from "../../packages/host/src/store/redis/keys.js";

export interface DirectoryProbe {
  /** Whether a host's heartbeat key exists. */
  beating(hostId: string): Promise<boolean>;
  /** Ids of the hosts recorded as owners of a global tool (by name or id), sorted. */
  owners(tool: string): Promise<string[]>;
  /** A host's owner record of a global tool, as stored. */
  record(tool: string, hostId: string): Promise<Buffer | null>;
  /** Whether a name is in the index of global tools. */
  indexed(tool: string): Promise<boolean>;
}

export function directoryProbe(redis: RedisConnection, keys: RedisKeys): DirectoryProbe {
  return {
    beating: async (hostId) => ((await redis.command(["EXISTS", keys.host(hostId)])) as number) === 1,
    owners: async (tool) =>
      ((await redis.command(["HKEYS", keys.globalOwners(tool)])) as Buffer[]).map((id) => id.toString()).sort(),
    record: async (tool, hostId) => (await redis.command(["HGET", keys.globalOwners(tool), hostId])) as Buffer | null,
    indexed: async (tool) => ((await redis.command(["SISMEMBER", keys.globalTools, tool])) as number) === 1,
  };
}
