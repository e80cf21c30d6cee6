// A cluster host in its own process, for tests that kill it with SIGKILL (no goodbye to Redis).
// Env: TOOLBRIDGE_STORE (redis URL), TOOLBRIDGE_HOST_ID, TOOLBRIDGE_HEARTBEAT_MS, TOOLBRIDGE_TOOLS
// (comma-separated names of global tools; each returns this host's id), optionally TOOLBRIDGE_SESSION and
// TOOLBRIDGE_SESSION_TOOLS (tools of that existing session, alike). Prints "host listening on ADDRESS".
import { createHost, defineTool } from "@toolbridge/host";
import { z } from "zod";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const hostId = env("TOOLBRIDGE_HOST_ID");
const named = (names: string) =>
  names
    .split(",")
    .filter((name) => name !== "")
    .map((name) => defineTool({ name, input: z.object({}), handler: async () => hostId }));
const tools = named(process.env.TOOLBRIDGE_TOOLS ?? "");
const host = await createHost({
  port: Number(process.env.TOOLBRIDGE_PORT ?? 0),
  host: "127.0.0.1",
  logLevel: "silent",
  store: env("TOOLBRIDGE_STORE"),
  cluster: { hostId, heartbeatMs: Number(env("TOOLBRIDGE_HEARTBEAT_MS")) },
  tools,
});
const session = process.env.TOOLBRIDGE_SESSION;
if (session) await host.registerSessionTools(session, named(env("TOOLBRIDGE_SESSION_TOOLS")));
console.log(`host listening on ${host.address}`);
