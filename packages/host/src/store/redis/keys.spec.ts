import { describe, expect, it } from "vitest";
import { RedisKeys } from "./keys.js";

/** The hash tag Redis Cluster routes a key by: the first {...} with something inside. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return key.slice(open + 1, close);
}

describe("RedisKeys", () => {
  it("puts every key of a session, its request records, lease and index and its shard's live index in one hash tag", () => {
    const keys = new RedisKeys("tb:", 16);
    for (const id of ["s1", "a:b", "{x}", "über", ""]) {
      const all = [...keys.session(id), keys.request(id, "r1"), keys.lease(id), keys.requestIndex(id)];
      const tags = new Set(all.map(hashTag));
      expect(tags).toEqual(new Set([String(keys.shardOf(id))]));
    }
  });

  it("spreads sessions over the shards, the same way in every process", () => {
    const keys = new RedisKeys("tb:", 16);
    const shards = new Set(Array.from({ length: 200 }, (_, i) => keys.shardOf(`session-${i}`)));
    expect(shards.size).toBe(16);
    expect(new RedisKeys("other:", 16).shardOf("session-7")).toBe(keys.shardOf("session-7"));
    expect(new RedisKeys("tb:").shardOf("session-7")).toBe(0);
  });

  it("no session id or request_id spells another one's key", () => {
    const keys = new RedisKeys("tb:");
    const all = [
      ...keys.session("a"),
      ...keys.session("a:tools"),
      ...keys.session("tools:a"),
      keys.request("a", "b:c"),
      keys.request("a:b", "c"),
      ...["a", "a:tools", "tools:a"].flatMap((id) => [keys.lease(id), keys.requestIndex(id)]),
    ];
    // The live index is the only key the three sessions share.
    expect(new Set(all).size).toBe(all.length - 2);
  });

  it("refuses a prefix with a hash tag of its own and a shard count below one", () => {
    expect(() => new RedisKeys("tb{1}:")).toThrow(RangeError);
    expect(() => new RedisKeys("tb:", 0)).toThrow(RangeError);
  });
});
