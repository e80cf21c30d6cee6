import { decodeValue, encodeValue } from "@toolbridge/protocol";
import type { Logger } from "pino";
import type { SessionHandle, ToolContext } from "../registry/types.js";
import type { SessionStore } from "../store/types.js";
import type { CallScope } from "./call-scope.js";
import { inferValueType } from "./value-type.js";

/**
 * ToolContext of one call. The logger child and the session handle are built
 * only when a handler asks for them: most calls never do, and the hot path
 * should not pay for them.
 */
export class CallToolContext implements ToolContext {
  private loggerCache: Logger | undefined;
  private sessionCache: SessionHandle | undefined;

  constructor(
    private readonly scope: CallScope,
    readonly sessionId: string,
    readonly requestId: string,
    private readonly toolName: string,
    readonly context: { readonly [key: string]: string },
    private readonly store: SessionStore,
    private readonly rootLogger: Logger,
  ) {}

  get signal(): AbortSignal {
    return this.scope.signal;
  }

  get deadline(): number {
    return this.scope.deadline;
  }

  get logger(): Logger {
    this.loggerCache ??= this.rootLogger.child({
      request_id: this.requestId,
      session_id: this.sessionId,
      tool: this.toolName,
    });
    return this.loggerCache;
  }

  get session(): SessionHandle {
    this.sessionCache ??= sessionHandle(this.store, this.sessionId, `tool:${this.toolName}`);
    return this.sessionCache;
  }
}

/** Session variables as plain JS values, for code running inside the host. */
export function sessionHandle(store: SessionStore, id: string, createdBy: string): SessionHandle {
  return {
    id,
    async getVariable(name) {
      const variable = await store.getVariable(id, name);
      return variable.value ? decodeValue(variable.value) : null;
    },
    async setVariable(name, value, options = {}) {
      const encoded = encodeValue(value);
      await store.setVariable(id, {
        name,
        value: encoded,
        type: options.type || inferValueType(encoded),
        createdBy,
        tags: options.tags ?? [],
        description: options.description ?? "",
      });
    },
    deleteVariable(name) {
      return store.deleteVariable(id, name);
    },
    async listVariables(prefix = "") {
      const out: Record<string, unknown> = {};
      let cursor = "";
      do {
        const page = await store.listVariables(id, { prefix, cursor, limit: 1000 });
        for (const v of page.variables) out[v.name] = v.value ? decodeValue(v.value) : null;
        cursor = page.nextCursor;
      } while (cursor !== "");
      return out;
    },
  };
}
