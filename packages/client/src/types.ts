import type { ToolSpec } from "@toolbridge/protocol";
import type { KeywordArguments } from "./args.js";

/**
 * Static shape of one tool, as `emitTypeScript` writes it: positional
 * arguments as a labelled tuple, keyword arguments as an object, the result
 * of a call and the type of one stream chunk.
 */
export interface ToolSignature {
  args: readonly unknown[];
  kwargs: Record<string, unknown>;
  result: unknown;
  chunk: unknown;
}

/** A map from tool name to its signature (`emitTypeScript` output). */
export type ToolTypeMap = { [toolName: string]: ToolSignature };

/** Signature of a tool nothing is known about statically. */
export interface UntypedSignature extends ToolSignature {
  args: unknown[];
  kwargs: Record<string, unknown>;
  result: unknown;
  chunk: unknown;
}

/** Options of one call or stream. */
export interface CallOptions {
  /** Cancels the call end to end (the host handler's signal fires too). */
  signal?: AbortSignal;
  /** Overall deadline of the call, retries included. Default: the bridge's. */
  timeoutMs?: number;
  /** Idempotency key; generated when absent and reused by every retry. */
  requestId?: string;
  /** Retry policy for this call; `false` disables retries. Default: the bridge's. */
  retry?: RetryPolicy | false;
  /** Free-form context passed to the tool (ExecuteToolRequest.context). */
  context?: Record<string, string>;
}

/** When and how often a failed call is tried again. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before retry n is about initialMs * multiplier^n, jittered, at most maxMs. */
  backoff?: BackoffOptions;
  /**
   * Per-attempt timeout. When set, an attempt that runs longer is cancelled
   * and retried (with the same request_id) while the overall deadline allows.
   */
  attemptTimeoutMs?: number;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  multiplier?: number;
  /** Fraction of each delay that is randomised, 0..1 (default 0.5). */
  jitter?: number;
}

/** What `tool.call(args)` accepts: an array is positional, a plain object keyword arguments. */
export type CallArguments<S extends ToolSignature> = S["args"] | S["kwargs"] | KeywordArguments<Partial<S["kwargs"]>>;

/**
 * A remote tool as a local async function.
 *
 * - `tool(a, b)` passes positional arguments;
 * - `tool({ x, y })` passes keyword arguments when every key is an argument name;
 * - `tool(a, kwargs({ y }))` passes both.
 */
export interface ProxyTool<S extends ToolSignature = UntypedSignature> {
  (...args: S["args"]): Promise<S["result"]>;
  (kwargs: S["kwargs"]): Promise<S["result"]>;
  (...args: [...unknown[], KeywordArguments<Partial<S["kwargs"]>>]): Promise<S["result"]>;
  /** The tool's description from the host. */
  readonly spec: ToolSpec;
  /** Calls a streaming tool; the iterator yields decoded chunks. Same argument forms as a call. */
  stream(...args: S["args"]): AsyncIterable<S["chunk"]>;
  stream(kwargs: S["kwargs"]): AsyncIterable<S["chunk"]>;
  stream(...args: [...unknown[], KeywordArguments<Partial<S["kwargs"]>>]): AsyncIterable<S["chunk"]>;
  /** A call with options: an array is positional, a plain object keyword arguments. */
  call(args: CallArguments<S>, options?: CallOptions): Promise<S["result"]>;
  /** A stream with options: an array is positional, a plain object keyword arguments. */
  openStream(args: CallArguments<S>, options?: CallOptions): AsyncIterable<S["chunk"]>;
}

/** The tools of a session. Typed entries when a map is given; otherwise look names up. */
export type Tools<M extends ToolTypeMap = ToolTypeMap> = { readonly [K in keyof M & string]: ProxyTool<M[K]> };
