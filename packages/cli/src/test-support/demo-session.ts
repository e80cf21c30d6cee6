import { ToolBridge, type Tools } from "@toolbridge/client";
import { createHost, type Host } from "@toolbridge/host";
import { pino } from "pino";
import { demoTools } from "../demo/index.js";

/** A real host serving the demo tools on a free loopback port, and a client session on it (for specs). */
export interface DemoSession {
  host: Host;
  bridge: ToolBridge;
  tools: Tools;
  close(): Promise<void>;
}

export async function openDemoSession(sessionId: string): Promise<DemoSession> {
  const host = await createHost({ tools: demoTools(), port: 0, host: "127.0.0.1", logger: pino({ level: "silent" }) });
  const bridge = new ToolBridge(host.address);
  const tools = await bridge.initialize(sessionId);
  return {
    host,
    bridge,
    tools,
    async close() {
      await bridge.close();
      await host.close();
    },
  };
}
