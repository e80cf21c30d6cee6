import { randomUUID } from "node:crypto";
import type { LanguageModel, Signature } from "@toolbridge/agent";
import { ToolBridgeError } from "@toolbridge/protocol";
import { hostError } from "../errors.js";

/** An agent as defined by CreateReActAgent; runs share it, each with a fresh model. */
export interface AgentDefinition {
  readonly id: string;
  readonly sessionId: string;
  readonly signature: Signature;
  /** Empty = every tool of the session. */
  readonly toolNames: readonly string[];
  readonly maxIters: number;
  readonly stepTimeoutMs: number;
  readonly instructions: string;
  /** A new model per run, so nothing a model learns or records outlives its run. */
  readonly createModel: () => LanguageModel;
  readonly modelLabel: string;
}

/**
 * Agents by session. Agents live as long as their session: when it ends they
 * are forgotten and their running runs are aborted with SessionExpired.
 */
export class AgentRegistry {
  private readonly sessions = new Map<string, { agents: Map<string, AgentDefinition>; runs: Set<AbortController> }>();

  constructor(private readonly maxAgentsPerSession: number) {}

  add(definition: Omit<AgentDefinition, "id">): AgentDefinition {
    const session = this.session(definition.sessionId);
    if (session.agents.size >= this.maxAgentsPerSession) {
      throw hostError(
        "ResourceExhausted",
        `session ${definition.sessionId} already has ${this.maxAgentsPerSession} agents`,
        {
          session_id: definition.sessionId,
        },
      );
    }
    const agent = { ...definition, id: `agent_${randomUUID()}` };
    session.agents.set(agent.id, agent);
    return agent;
  }

  get(sessionId: string, agentId: string): AgentDefinition {
    const agent = this.sessions.get(sessionId)?.agents.get(agentId);
    if (!agent)
      throw hostError("AgentNotFound", `no agent ${agentId} in session ${sessionId}`, {
        session_id: sessionId,
        agent_id: agentId,
      });
    return agent;
  }

  /** Registers a run so the session's end can stop it; call the returned function when the run is over. */
  trackRun(sessionId: string, controller: AbortController): () => void {
    const runs = this.session(sessionId).runs;
    runs.add(controller);
    return () => runs.delete(controller);
  }

  dropSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    for (const run of session?.runs ?? []) {
      run.abort(
        new ToolBridgeError("SessionExpired", `session ${sessionId} ended during the agent run`, {
          details: { session_id: sessionId },
        }),
      );
    }
  }

  private session(sessionId: string) {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = { agents: new Map(), runs: new Set() };
      this.sessions.set(sessionId, session);
    }
    return session;
  }
}
