import { randomUUID } from "node:crypto";
import { ToolBridge, type ToolBridgeOptions, type Tools } from "@toolbridge/client";
import { ToolBridgeError } from "@toolbridge/protocol";
import { DEFAULT_TOKEN_ENV } from "./client-security.js";
import { dropIpServerNameWarning } from "./quiet-warnings.js";

export interface OpenSession {
  bridge: ToolBridge;
  tools: Tools;
  /** Ends the session if this command created it, then closes the channel. */
  close(): Promise<void>;
}

/**
 * Connects to `address` and initializes a session. Without `--session` a
 * throwaway session is created and cleaned up afterwards, so one-off commands
 * leave nothing behind on the host; a named one is kept. `options` carry TLS
 * and the bearer token (client-security.ts).
 */
export async function openSession(
  address: string,
  sessionId: string | undefined,
  options: ToolBridgeOptions = {},
): Promise<OpenSession> {
  if (options.tls) dropIpServerNameWarning();
  const bridge = new ToolBridge(address, options);
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
    throw options.authToken === undefined ? withTokenHint(error) : error;
  }
}

/** A host that wants a token, asked without one: say where the CLI takes it from. */
function withTokenHint(error: unknown): unknown {
  if (!(error instanceof ToolBridgeError) || error.code !== "Unauthenticated") return error;
  return new ToolBridgeError(
    "Unauthenticated",
    `${error.message} (the CLI sends the token in $${DEFAULT_TOKEN_ENV}, or in the variable --token-env VAR names)`,
    { details: { ...error.details }, cause: error },
  );
}
