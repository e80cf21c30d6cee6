import type { Any } from "@bufbuild/protobuf/wkt";
import type { ToolSpec } from "@toolbridge/protocol";
import type { Logger } from "pino";

/** One call routed to a tool: arguments still encoded, as they came off the wire. */
export interface ToolCall {
  readonly args: readonly Any[];
  readonly kwargs: { readonly [name: string]: Any };
  /** Caller-supplied context strings (tracing ids, locale...). */
  readonly context: { readonly [key: string]: string };
}

/** Session access for a running tool: values are plain JS values, encoded by the host. */
export interface SessionHandle {
  readonly id: string;
  getVariable(name: string): Promise<unknown>;
  setVariable(
    name: string,
    value: unknown,
    options?: { type?: string; tags?: string[]; description?: string },
  ): Promise<void>;
  deleteVariable(name: string): Promise<boolean>;
  listVariables(prefix?: string): Promise<Record<string, unknown>>;
}

/** What a tool's handler receives besides its arguments. */
export interface ToolContext {
  /** Fires when the call times out, the caller cancels, the session ends or the host shuts down. */
  readonly signal: AbortSignal;
  readonly sessionId: string;
  readonly requestId: string;
  /** Epoch milliseconds by which the call must finish. */
  readonly deadline: number;
  readonly session: SessionHandle;
  /** Logger bound to tool, session and request_id. */
  readonly logger: Logger;
  readonly context: { readonly [key: string]: string };
}

/**
 * How the host runs one registry entry. Tools declared with defineTool are one
 * implementation; tools hosted by worker processes are another. Both receive
 * encoded arguments and return encoded values, so a pass-through executor never
 * decodes. A failure is thrown: a ToolFailure carries a ready ErrorInfo, anything
 * else is reported with its error type and message.
 */
export interface ToolExecutor {
  readonly spec: ToolSpec;
  /** Unary call: one encoded result. */
  execute(call: ToolCall, ctx: ToolContext): Promise<Any>;
  /** Streaming call: encoded chunks; a unary tool yields its single result. */
  stream(call: ToolCall, ctx: ToolContext): AsyncIterable<Any>;
}
