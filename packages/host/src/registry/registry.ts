import { clone } from "@bufbuild/protobuf";
import { type ToolSpec, ToolSpecSchema } from "@toolbridge/protocol";
import { hostError } from "../errors.js";
import type { ToolExecutor } from "./types.js";

/**
 * The executors this host can run: global tools (every session sees them) and
 * per-session tools (only their session sees them; they shadow a global tool of
 * the same name). Lookup is synchronous because it is on every call's path.
 */
export class ToolRegistry {
  private readonly global = new Map<string, ToolExecutor>();
  private readonly sessions = new Map<string, Map<string, ToolExecutor>>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();

  /** Hears every tool added or removed (a cluster advertises this host's tools to the others). */
  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  registerGlobal(executor: ToolExecutor): void {
    add(this.global, executor, "the host");
    this.emit("added", "", executor.spec);
  }

  unregisterGlobal(name: string): boolean {
    const executor = this.global.get(name);
    if (!executor) return false;
    remove(this.global, executor);
    this.emit("removed", "", executor.spec);
    return true;
  }

  /** Adds tools to one session; their specs get the session id. Returns the session-bound executors. */
  registerSession(sessionId: string, executors: readonly ToolExecutor[]): ToolExecutor[] {
    let tools = this.sessions.get(sessionId);
    if (!tools) {
      tools = new Map();
      this.sessions.set(sessionId, tools);
    }
    const bound: ToolExecutor[] = [];
    for (const executor of executors) {
      const spec = clone(ToolSpecSchema, executor.spec);
      spec.sessionId = sessionId;
      const sessionExecutor: ToolExecutor = {
        spec,
        execute: (call, ctx) => executor.execute(call, ctx),
        stream: (call, ctx) => executor.stream(call, ctx),
      };
      add(tools, sessionExecutor, `session ${sessionId}`);
      bound.push(sessionExecutor);
      this.emit("added", sessionId, spec);
    }
    return bound;
  }

  /** Removes some of a session's tools (e.g. those of a worker that left); returns how many. */
  unregisterSession(sessionId: string, names: readonly string[]): number {
    const tools = this.sessions.get(sessionId);
    if (!tools) return 0;
    let removed = 0;
    for (const name of names) {
      const executor = tools.get(name);
      if (!executor) continue;
      remove(tools, executor);
      removed++;
      this.emit("removed", sessionId, executor.spec);
    }
    return removed;
  }

  /** The session's own tool first, then the global one, by tool id or name. */
  resolve(sessionId: string, toolId: string): ToolExecutor | undefined {
    return this.sessions.get(sessionId)?.get(toolId) ?? this.global.get(toolId);
  }

  globalSpecs(): ToolSpec[] {
    return unique(this.global).map((e) => e.spec);
  }

  sessionSpecs(sessionId: string): ToolSpec[] {
    const tools = this.sessions.get(sessionId);
    return tools ? unique(tools).map((e) => e.spec) : [];
  }

  /** Every tool a session can call: its own, then the global ones it does not shadow. */
  visibleSpecs(sessionId: string): ToolSpec[] {
    const own = this.sessionSpecs(sessionId);
    const shadowed = new Set(own.map((s) => s.name));
    const visible = [...own, ...this.globalSpecs().filter((s) => !shadowed.has(s.name))];
    if (!this.remoteSpecs) return visible;
    // Then global tools only other hosts serve (a cluster's), callable here by forwarding.
    for (const s of visible) shadowed.add(s.name);
    return [...visible, ...this.remoteSpecs().filter((s) => !shadowed.has(s.name))];
  }

  /** Global tools other hosts of a cluster serve; set by the cluster. */
  remoteSpecs: (() => ToolSpec[]) | undefined;

  private emit(kind: RegistryChange["kind"], sessionId: string, spec: ToolSpec): void {
    for (const listener of this.listeners) listener({ kind, sessionId, spec });
  }

  /** Forgets a session's tools; returns how many there were. */
  dropSession(sessionId: string): number {
    const tools = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    if (!tools) return 0;
    const dropped = unique(tools);
    for (const executor of dropped) this.emit("removed", sessionId, executor.spec);
    return dropped.length;
  }
}

/** A tool added to or removed from this host; sessionId is "" for a global tool. */
export interface RegistryChange {
  readonly kind: "added" | "removed";
  readonly sessionId: string;
  readonly spec: ToolSpec;
}

function add(map: Map<string, ToolExecutor>, executor: ToolExecutor, owner: string): void {
  const { name, toolId } = executor.spec;
  if (map.has(name) || (toolId !== "" && map.has(toolId))) {
    throw hostError("AlreadyExists", `tool ${name} is already registered in ${owner}`, { tool_name: name });
  }
  map.set(name, executor);
  if (toolId !== "" && toolId !== name) map.set(toolId, executor);
}

/** Undoes add: the executor's name and tool id entries. */
function remove(map: Map<string, ToolExecutor>, executor: ToolExecutor): void {
  map.delete(executor.spec.name);
  map.delete(executor.spec.toolId);
}

/** Executors of a name/id index, each once. */
function unique(map: Map<string, ToolExecutor>): ToolExecutor[] {
  return [...new Set(map.values())];
}
