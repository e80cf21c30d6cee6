import { randomUUID } from "node:crypto";
import { ToolBridge, type Tools } from "@toolbridge/client";

export interface OpenSession {
  bridge: ToolBridge;
  tools: Tools;
  /** Ends the session if this command created it, then closes the channel. */
  close(): Promise<void>;
}

/**
 * Connects to `address` and initializes a session. Without `--session` a
 * throwaway session is created and cleaned up afterwards, so one-off commands
 * leave nothing behind on the host; a named one is kept.
 */
export async function openSession(address: string, sessionId: string | undefined): Promise<OpenSession> {
  const bridge = new ToolBridge(address);
  const throwaway = sessionId === undefined;
  try {
    const tools = await bridge.initialize(sessionId ?? `cli-${randomUUID()}`);
    return {
      bridge,
      tools,
      async close() {
        try {
          if (throwaway) await bridge.session.cleanup();
        } finally {
          await bridge.close();
        }
      },
    };
  } catch (error) {
    await bridge.close();
    throw error;
  }
}
