// `toolbridge serve --cluster-secret` / TOOLBRIDGE_CLUSTER_SECRET: where the secret hosts sign forwarded calls with comes from.
import { describe, expect, it } from "vitest";
import { clusterSecretOption } from "../../packages/cli/src/commands/serve.js";
import { UsageError } from "../../packages/cli/src/usage.js";

const REDIS = "redis://127.0.0.1:6379/0";
const SECRET = "a-cluster-secret-of-32-characters!";

describe("serve --cluster-secret", () => {
  it("the flag wins over the environment, which is the fallback", () => {
    const env = { TOOLBRIDGE_CLUSTER_SECRET: "from-the-environment-0123456789ab" };
    expect(clusterSecretOption(SECRET, REDIS, env)).toBe(SECRET);
    expect(clusterSecretOption(undefined, REDIS, env)).toBe(env.TOOLBRIDGE_CLUSTER_SECRET);
    expect(clusterSecretOption(undefined, REDIS, { TOOLBRIDGE_CLUSTER_SECRET: "" })).toBeUndefined();
    expect(clusterSecretOption(undefined, REDIS, {})).toBeUndefined();
  });

  it("without a Redis store there is no cluster: the flag is a usage error, the environment is ignored", () => {
    expect(() => clusterSecretOption(SECRET, undefined, {})).toThrow(UsageError);
    expect(clusterSecretOption(undefined, undefined, { TOOLBRIDGE_CLUSTER_SECRET: SECRET })).toBeUndefined();
  });
});
