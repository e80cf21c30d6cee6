import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { status } from "@grpc/grpc-js";
import { decodeValue, type ExecuteAgentResponse, encodeValue } from "@toolbridge/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
// The CLI's offline demo tools: the real `calculate` and `search_web` the spec's e2e case names.
import { demoTools } from "../../../cli/src/demo/index.js";
import { expectGrpcFailure } from "../testing/client.js";
import { type Started, startHost } from "../testing/hosts.js";
import { defineTool } from "../tool/define-tool.js";

const started: Started[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function host(options: Parameters<typeof startHost>[0]): Promise<Started> {
  const s = await startHost(options);
  started.push(s);
  return s;
}

async function session(s: Started): Promise<string> {
  return (await s.client.unary("initializeSession", {})).session?.sessionId as string;
}

type Chunk = ExecuteAgentResponse["chunk"];
type ChunkValue<C> = Extract<Chunk, { case: C }>["value"];
function ofCase<C extends NonNullable<Chunk["case"]>>(chunks: ExecuteAgentResponse[], c: C): ChunkValue<C>[] {
  const values: unknown[] = chunks.filter((x) => x.chunk.case === c).map((x) => x.chunk.value);
  return values as ChunkValue<C>[];
}

/**
 * A scripted OpenAI-compatible server on 127.0.0.1:0: request n gets replies[n]
 * (an assistant message), so a test can make the agent call any session tool.
 */
async function scriptedLlmServer(
  replies: Record<string, unknown>[],
): Promise<{ baseUrl: string; requests: unknown[] }> {
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      requests.push(JSON.parse(body));
      const message = replies[requests.length - 1] ?? { content: "Final Answer: script exhausted" };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", ...message } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

const toolCall = (id: string, name: string, args: unknown) => ({
  id,
  type: "function",
  function: { name, arguments: JSON.stringify(args) },
});

describe("agents over gRPC", () => {
  it("spec e2e: 'What is 2 + 2?' on the scripted model calls the real calculate tool and answers 4", async () => {
    const s = await host({ tools: demoTools(), llm: { provider: "scripted" } });
    const sessionId = await session(s);
    const created = await s.client.unary("createReActAgent", {
      sessionId,
      signature: "Question -> Answer",
      toolNames: ["search_web", "calculate"],
      maxIters: 3,
    });
    expect(created.agentId).toMatch(/^agent_/);
    expect(created.inputFields).toEqual(["Question"]);
    expect(created.outputFields).toEqual(["Answer"]);

    const chunks = await s.client.collect("executeAgent", {
      sessionId,
      agentId: created.agentId,
      inputs: { question: encodeValue("What is 2 + 2?") },
    });
    expect(chunks.map((c) => c.sequence)).toEqual(chunks.map((_, i) => BigInt(i)));
    expect(ofCase(chunks, "thought").length).toBeGreaterThanOrEqual(1);
    const actions = ofCase(chunks, "action");
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(actions[0]?.toolName).toBe("calculate");
    expect(decodeValue(actions[0]?.toolInput.expression as never)).toBe("2 + 2");
    const [observation] = ofCase(chunks, "observation");
    expect(observation?.success).toBe(true);
    expect(decodeValue(observation?.toolOutput as never)).toBe(4);
    expect(observation?.metrics?.attempts).toBe(1);
    const results = ofCase(chunks, "result");
    expect(results).toHaveLength(1);
    expect(results[0]?.totalSteps).toBe(2);
    expect(String(decodeValue(results[0]?.finalAnswer.Answer as never))).toContain("4");
    expect(ofCase(chunks, "error")).toHaveLength(0);
  });

  it("refuses agents when no LLM is configured, saying how to configure one", async () => {
    const s = await host({ tools: demoTools() });
    const sessionId = await session(s);
    const failure = await expectGrpcFailure(s.client.unary("createReActAgent", { sessionId, signature: "q -> a" }));
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.info?.message).toContain("--llm scripted");
    expect(failure.info?.message).toContain("--llm openai --llm-base-url URL --llm-model NAME");
  });

  it("rejects a bad signature with the token and column, unknown tools, and overrides of the operator's endpoint", async () => {
    const s = await host({ tools: demoTools(), llm: { provider: "scripted" } });
    const sessionId = await session(s);
    const bad = await expectGrpcFailure(
      s.client.unary("createReActAgent", { sessionId, signature: "question answer" }),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.info?.message).toBe(
      'invalid signature "question answer": expected "->" or "," at column 10, found "answer"',
    );
    expect(bad.info?.details).toMatchObject({ column: "10", found: '"answer"' });

    const unknown = await expectGrpcFailure(
      s.client.unary("createReActAgent", { sessionId, signature: "q -> a", toolNames: ["nope", "stream_data"] }),
    );
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.info?.type).toBe("ToolNotFound");
    expect(unknown.info?.message).toContain("nope, stream_data (stream_data: streaming tools cannot be agent actions)");

    const endpoint = await expectGrpcFailure(
      s.client.unary("createReActAgent", {
        sessionId,
        signature: "q -> a",
        llm: { provider: "openai", baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: "HOME" },
      }),
    );
    expect(endpoint.code).toBe(status.PERMISSION_DENIED);

    const noOpenAi = await expectGrpcFailure(
      s.client.unary("createReActAgent", { sessionId, signature: "q -> a", llm: { provider: "openai" } }),
    );
    expect(noOpenAi.code).toBe(status.FAILED_PRECONDITION);
  });

  it("fails ExecuteAgent with a status for an unknown agent or missing inputs", async () => {
    const s = await host({ tools: demoTools(), llm: { provider: "scripted" } });
    const sessionId = await session(s);
    const unknown = await expectGrpcFailure(
      s.client.collect("executeAgent", { sessionId, agentId: "agent_x", inputs: {} }),
    );
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.info?.type).toBe("AgentNotFound");

    const { agentId } = await s.client.unary("createReActAgent", {
      sessionId,
      signature: "question, context -> answer",
    });
    const missing = await expectGrpcFailure(
      s.client.collect("executeAgent", { sessionId, agentId, inputs: { question: encodeValue("?") } }),
    );
    expect(missing.code).toBe(status.INVALID_ARGUMENT);
    expect(missing.info?.message).toContain('missing input "context"');
  });

  it("forgets a session's agents when the session ends", async () => {
    const s = await host({ tools: demoTools(), llm: { provider: "scripted" } });
    const sessionId = await session(s);
    const { agentId } = await s.client.unary("createReActAgent", { sessionId, signature: "q -> a" });
    await s.client.unary("cleanupSession", { sessionId });
    const gone = await expectGrpcFailure(
      s.client.collect("executeAgent", { sessionId, agentId, inputs: { q: encodeValue("1 + 1") } }),
    );
    expect(gone.info?.type).toBe("SessionExpired");
  });

  it("calls a session's own tool through the OpenAI-compatible adapter, with metrics on the observation", async () => {
    const llm = await scriptedLlmServer([
      { content: "Look it up.", tool_calls: [toolCall("c1", "lookup_order", { order_id: 7 })] },
      { content: null, tool_calls: [toolCall("c2", "finish", { status: "shipped" })] },
    ]);
    const s = await host({ llm: { provider: "openai", baseUrl: llm.baseUrl, model: "local-test" } });
    const sessionId = await session(s);
    const lookup = defineTool({
      name: "lookup_order",
      description: "Status of an order.",
      input: z.object({ order_id: z.number().int() }),
      handler: ({ order_id }) => ({ order_id, status: order_id === 7 ? "shipped" : "unknown" }),
    });
    await s.host.registerSessionTools(sessionId, [lookup]);
    const { agentId } = await s.client.unary("createReActAgent", { sessionId, signature: "order -> status: str" });
    const chunks = await s.client.collect("executeAgent", {
      sessionId,
      agentId,
      inputs: { order: encodeValue("order 7") },
    });
    expect(chunks.map((c) => c.chunk.case)).toEqual(["thought", "action", "observation", "result"]);
    const [observation] = ofCase(chunks, "observation");
    expect(decodeValue(observation?.toolOutput as never)).toEqual({ order_id: 7, status: "shipped" });
    expect(observation?.metrics?.durationMs).toBeGreaterThan(0);
    expect(decodeValue(ofCase(chunks, "result")[0]?.finalAnswer.status as never)).toBe("shipped");
    const firstRequest = llm.requests[0] as { tools: { function: { name: string } }[] };
    expect(firstRequest.tools.map((t) => t.function.name)).toEqual(["lookup_order", "finish"]);
  });

  it("reports a tool's validation error as an observation and ends with the model's answer", async () => {
    const llm = await scriptedLlmServer([
      { content: 'Thought: try\nAction: calculate[{"expression": "2 +"}]' },
      { content: "Thought: the expression was incomplete\nFinal Answer: cannot compute" },
    ]);
    const s = await host({
      tools: demoTools(),
      llm: { provider: "openai", baseUrl: llm.baseUrl, model: "m", toolCalling: "text" },
    });
    const sessionId = await session(s);
    const { agentId } = await s.client.unary("createReActAgent", {
      sessionId,
      signature: "q -> a",
      toolNames: ["calculate"],
    });
    const chunks = await s.client.collect("executeAgent", { sessionId, agentId, inputs: { q: encodeValue("2 +") } });
    const [observation] = ofCase(chunks, "observation");
    expect(observation?.success).toBe(false);
    expect(observation?.error?.type).toBe("ValidationError");
    expect(observation?.error?.toolName).toBe("calculate");
    expect(ofCase(chunks, "result")).toHaveLength(1);
  });

  it("ends a run with a SessionExpired chunk when its session is cleaned up mid-run, stopping the tool", async () => {
    const llm = await scriptedLlmServer([{ content: "Action: wait_forever[{}]" }]);
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      toolStarted = resolve;
    });
    const stopped: { reason?: unknown } = {};
    const waitForever = defineTool({
      name: "wait_forever",
      input: z.object({}),
      handler: (_, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            stopped.reason = ctx.signal.reason;
            reject(ctx.signal.reason);
          });
          toolStarted();
        }),
    });
    const s = await host({
      tools: [waitForever],
      llm: { provider: "openai", baseUrl: llm.baseUrl, model: "m", toolCalling: "text" },
    });
    const sessionId = await session(s);
    const { agentId } = await s.client.unary("createReActAgent", { sessionId, signature: "q -> a" });
    const run = s.client.collect("executeAgent", { sessionId, agentId, inputs: { q: encodeValue("wait") } });
    await started;
    await s.client.unary("cleanupSession", { sessionId, force: true });
    const chunks = await run;
    expect(chunks.at(-1)?.chunk).toMatchObject({ case: "error", value: { type: "SessionExpired" } });
    expect(stopped.reason).toBeDefined();
  });

  it("stops the run and its tool call when the client cancels", async () => {
    const llm = await scriptedLlmServer([{ content: "Action: wait_forever[{}]" }]);
    let aborted!: () => void;
    const toolAborted = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const waitForever = defineTool({
      name: "wait_forever",
      input: z.object({}),
      handler: (_, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            aborted();
            reject(ctx.signal.reason);
          });
        }),
    });
    const s = await host({
      tools: [waitForever],
      llm: { provider: "openai", baseUrl: llm.baseUrl, model: "m", toolCalling: "text" },
    });
    const sessionId = await session(s);
    const { agentId } = await s.client.unary("createReActAgent", { sessionId, signature: "q -> a" });
    const stream = s.client.stream("executeAgent", { sessionId, agentId, inputs: { q: encodeValue("wait") } });
    const seen: string[] = [];
    const ended = new Promise<number>((resolve) => {
      stream.on("error", (e: { code: number }) => resolve(e.code));
      stream.on("end", () => resolve(-1));
    });
    stream.on("data", (chunk: ExecuteAgentResponse) => {
      seen.push(chunk.chunk.case ?? "");
      if (chunk.chunk.case === "action") stream.cancel();
    });
    expect(await ended).toBe(status.CANCELLED);
    await toolAborted;
    expect(seen).toContain("action");
    expect(seen).not.toContain("result");
  });
});
