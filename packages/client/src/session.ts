import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type CleanupSessionRequest,
  CleanupSessionRequestSchema,
  type CleanupSessionResponse,
  type DeleteVariableRequest,
  DeleteVariableRequestSchema,
  type DeleteVariableResponse,
  decodeValue,
  encodeValue,
  type GetSessionInfoRequest,
  GetSessionInfoRequestSchema,
  type GetSessionInfoResponse,
  type GetSessionToolsRequest,
  GetSessionToolsRequestSchema,
  type GetSessionToolsResponse,
  type GetVariableRequest,
  GetVariableRequestSchema,
  type GetVariableResponse,
  type ListVariablesRequest,
  ListVariablesRequestSchema,
  type ListVariablesResponse,
  ProtocolError,
  type SessionConfig,
  type SessionInfo as SessionInfoMessage,
  type SetVariableRequest,
  SetVariableRequestSchema,
  type SetVariableResponse,
  type ToolSpec,
  type Variable,
  VariableChangeType,
  type WatchVariablesRequest,
  WatchVariablesRequestSchema,
  type WatchVariablesResponse,
} from "@toolbridge/protocol";
import type { Connection } from "./connection.js";
import { callError } from "./error-mapping.js";
import { serverStreamMethod, unaryMethod } from "./rpc.js";

/** A session variable with its decoded value. */
export interface SessionVariable {
  readonly name: string;
  readonly value: unknown;
  readonly type: string;
  /** Starts at 1, increases by one on every write. */
  readonly version: number;
  readonly tags: readonly string[];
  readonly description: string;
  readonly createdBy: string;
  readonly createdAt: Date | undefined;
  readonly updatedAt: Date | undefined;
}

/** One change seen by `watch()`. */
export interface VariableChange {
  readonly kind: "initial" | "set" | "deleted";
  readonly variable: SessionVariable;
}

export interface SetVariableOptions {
  type?: string;
  tags?: string[];
  description?: string;
  createdBy?: string;
  /** Write only if the current version is this (0: must not exist yet); else Conflict. */
  expectedVersion?: number;
  signal?: AbortSignal;
}

export interface ListVariablesOptions {
  prefix?: string;
  /** Only variables carrying every one of these tags. */
  tags?: string[];
  /** Page size of each request; all pages are read. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface WatchOptions {
  names?: string[];
  prefix?: string;
  /** Yield the current value of every matching variable first. */
  includeInitial?: boolean;
  signal?: AbortSignal;
}

/** State of a session, with timestamps as Dates. */
export interface SessionInfo {
  readonly sessionId: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: Date | undefined;
  readonly lastActiveAt: Date | undefined;
  readonly expiresAt: Date | undefined;
  readonly toolCount: number;
  readonly variableCount: number;
  readonly inFlightCalls: number;
  readonly owner: string;
  readonly config: SessionConfig | undefined;
}

export interface CleanupResult {
  readonly cancelledCalls: number;
  readonly variablesRemoved: number;
  readonly toolsRemoved: number;
}

const CHANGE_KINDS: Partial<Record<VariableChangeType, VariableChange["kind"]>> = {
  [VariableChangeType.INITIAL]: "initial",
  [VariableChangeType.SET]: "set",
  [VariableChangeType.DELETED]: "deleted",
};

/**
 * Operations on one session: variables, watch, info, tools and cleanup.
 * Reads retry per the bridge's policy; writes are sent once (a repeated write
 * would bump the version twice).
 */
export class Session {
  private readonly methods;

  constructor(
    private readonly connection: Connection,
    readonly id: string,
  ) {
    const client = connection.client;
    this.methods = {
      getVariable: unaryMethod<GetVariableRequest, GetVariableResponse>(client, "GetVariable"),
      setVariable: unaryMethod<SetVariableRequest, SetVariableResponse>(client, "SetVariable"),
      listVariables: unaryMethod<ListVariablesRequest, ListVariablesResponse>(client, "ListVariables"),
      deleteVariable: unaryMethod<DeleteVariableRequest, DeleteVariableResponse>(client, "DeleteVariable"),
      watchVariables: serverStreamMethod<WatchVariablesRequest, WatchVariablesResponse>(client, "WatchVariables"),
      info: unaryMethod<GetSessionInfoRequest, GetSessionInfoResponse>(client, "GetSessionInfo"),
      tools: unaryMethod<GetSessionToolsRequest, GetSessionToolsResponse>(client, "GetSessionTools"),
      cleanup: unaryMethod<CleanupSessionRequest, CleanupSessionResponse>(client, "CleanupSession"),
    };
  }

  /** The decoded value of a variable; VariableNotFound when it does not exist. */
  async get(name: string, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    return (await this.variable(name, options)).value;
  }

  /** A variable with its metadata. */
  async variable(name: string, options: { signal?: AbortSignal } = {}): Promise<SessionVariable> {
    const request = create(GetVariableRequestSchema, { sessionId: this.id, name });
    const response = await this.connection.unary(this.methods.getVariable, request, undefined, options);
    return toSessionVariable(required(response.variable, "GetVariableResponse.variable"));
  }

  /** Creates or updates a variable and returns it as written. */
  async set(name: string, value: unknown, options: SetVariableOptions = {}): Promise<SessionVariable> {
    const request = create(SetVariableRequestSchema, {
      sessionId: this.id,
      name,
      value: encodeValue(value),
      type: options.type,
      tags: options.tags,
      description: options.description,
      createdBy: options.createdBy,
      expectedVersion: options.expectedVersion === undefined ? undefined : BigInt(options.expectedVersion),
    });
    const response = await this.connection.unary(this.methods.setVariable, request, undefined, {
      signal: options.signal,
      retry: false,
    });
    return toSessionVariable(required(response.variable, "SetVariableResponse.variable"));
  }

  /** Every matching variable, in name order, reading all pages. */
  async list(options: ListVariablesOptions = {}): Promise<SessionVariable[]> {
    const variables: SessionVariable[] = [];
    let cursor = "";
    do {
      const request = create(ListVariablesRequestSchema, {
        sessionId: this.id,
        prefix: options.prefix,
        tags: options.tags,
        limit: options.pageSize,
        cursor,
      });
      const response = await this.connection.unary(this.methods.listVariables, request, undefined, options);
      for (const variable of response.variables) variables.push(toSessionVariable(variable));
      cursor = response.nextCursor;
    } while (cursor !== "");
    return variables;
  }

  /** Removes a variable; false when there was none. */
  async delete(name: string, options: { expectedVersion?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    const request = create(DeleteVariableRequestSchema, {
      sessionId: this.id,
      name,
      expectedVersion: options.expectedVersion === undefined ? undefined : BigInt(options.expectedVersion),
    });
    const response = await this.connection.unary(this.methods.deleteVariable, request, undefined, {
      signal: options.signal,
      retry: false,
    });
    return response.deleted;
  }

  /**
   * Changes of matching variables as they happen, until the loop is left, the
   * signal fires (ends quietly) or the session ends (the iterator finishes).
   * A dropped connection throws ToolCommunicationError.
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<VariableChange, void, undefined> {
    const { signal } = options;
    if (signal?.aborted) return;
    const request = create(WatchVariablesRequestSchema, {
      sessionId: this.id,
      names: options.names,
      prefix: options.prefix,
      includeInitial: options.includeInitial,
    });
    const call = this.methods.watchVariables(request, this.connection.metadata(), {});
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const change of call as AsyncIterable<WatchVariablesResponse>) {
        const kind = CHANGE_KINDS[change.changeType];
        if (kind === undefined) throw new ProtocolError(`watch change of unknown type ${change.changeType}`);
        yield { kind, variable: toSessionVariable(required(change.variable, "WatchVariablesResponse.variable")) };
      }
    } catch (thrown) {
      if (signal?.aborted) return;
      throw callError(thrown, {}, undefined);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  async info(options: { signal?: AbortSignal } = {}): Promise<SessionInfo> {
    const request = create(GetSessionInfoRequestSchema, { sessionId: this.id });
    const response = await this.connection.unary(this.methods.info, request, undefined, options);
    return toSessionInfo(required(response.session, "GetSessionInfoResponse.session"));
  }

  /** Specs of every tool the session can call (global and its own). */
  async tools(options: { signal?: AbortSignal } = {}): Promise<ToolSpec[]> {
    const request = create(GetSessionToolsRequestSchema, { sessionId: this.id });
    return (await this.connection.unary(this.methods.tools, request, undefined, options)).tools;
  }

  /** Ends the session; with `force`, calls in flight are cancelled. Later calls get SessionExpired. */
  async cleanup(options: { force?: boolean; signal?: AbortSignal } = {}): Promise<CleanupResult> {
    const request = create(CleanupSessionRequestSchema, { sessionId: this.id, force: options.force ?? false });
    const response = await this.connection.unary(this.methods.cleanup, request, undefined, {
      signal: options.signal,
      retry: false,
    });
    return {
      cancelledCalls: response.cancelledCalls,
      variablesRemoved: response.variablesRemoved,
      toolsRemoved: response.toolsRemoved,
    };
  }
}

function toSessionVariable(variable: Variable): SessionVariable {
  const metadata = variable.metadata;
  return {
    name: variable.name,
    value: variable.value === undefined ? undefined : decodeValue(variable.value),
    type: metadata?.type ?? "",
    version: Number(metadata?.version ?? 0n),
    tags: metadata?.tags ?? [],
    description: metadata?.description ?? "",
    createdBy: metadata?.createdBy ?? "",
    createdAt: toDate(metadata?.createdAt),
    updatedAt: toDate(metadata?.updatedAt),
  };
}

export function toSessionInfo(info: SessionInfoMessage): SessionInfo {
  return {
    sessionId: info.sessionId,
    metadata: info.metadata,
    createdAt: toDate(info.createdAt),
    lastActiveAt: toDate(info.lastActiveAt),
    expiresAt: toDate(info.expiresAt),
    toolCount: info.toolCount,
    variableCount: info.variableCount,
    inFlightCalls: info.inFlightCalls,
    owner: info.owner,
    config: info.config,
  };
}

function toDate(timestamp: Timestamp | undefined): Date | undefined {
  return timestamp === undefined ? undefined : timestampDate(timestamp);
}

/** A message field the host must always set; its absence is a protocol violation. */
function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new ProtocolError(`host response lacks ${field}`, { details: { field } });
  return value;
}
