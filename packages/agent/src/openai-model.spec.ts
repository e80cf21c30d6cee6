import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "./events.js";
import { functionToolbox } from "./function-toolbox.js";
import { OpenAIChatModel } from "./openai-model.js";
import { ReActAgent } from "./react-agent.js";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { function: { name: string } }[];
    tool_choice?: string;
    stop?: string[];
  };
}
type Answer = { status?: number; json?: unknown; raw?: string } | "hang";

/** A scripted OpenAI-compatible server on 127.0.0.1:0: each request gets the next answer from `script`. */
async function startServer(script: (request: Received, index: number) => Answer) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on("end", () => {
      const request: Received = { path: req.url ?? "", headers: req.headers, body: JSON.parse(data) };
      received.push(request);
      const answer = script(request, received.length - 1);
      if (answer === "hang") return;
      res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
      res.end(answer.raw ?? JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const message = (m: Record<string, unknown>) => ({
  json: {
    id: "x",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", ...m }, finish_reason: "stop" }],
  },
});
const toolCall = (id: string, name: string, args: unknown) => ({
  id,
  type: "function",
  function: { name, arguments: JSON.stringify(args) },
});

const calculator = functionToolbox({
  calculate: {
    description: "Adds two numbers written as 'a + b'.",
    inputSchema: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
    run: (input) =>
      String(input.expression)
        .split("+")
        .reduce((sum, n) => sum + Number(n), 0),
  },
});

async function runAgent(model: OpenAIChatModel, question: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const e of new ReActAgent({ signature: "question -> answer", model, toolbox: calculator }).run({
    question,
  }))
    events.push(e);
  return events;
}

describe("OpenAIChatModel", () => {
  it("drives an agent with native tool calling, sending tools, call ids and the API key", async () => {
    const server = await startServer((_, i) =>
      i === 0
        ? message({ content: "I will add.", tool_calls: [toolCall("call_a", "calculate", { expression: "2 + 2" })] })
        : message({ content: null, tool_calls: [toolCall("call_b", "finish", { answer: "4" })] }),
    );
    const model = new OpenAIChatModel({
      baseUrl: `${server.baseUrl}/`,
      model: "test-model",
      apiKeyEnv: "TEST_LLM_KEY",
      env: { TEST_LLM_KEY: "sk-local" },
    });
    const events = await runAgent(model, "What is 2 + 2?");
    expect(events.map((e) => e.type)).toEqual(["thought", "action", "observation", "result"]);
    expect(events.at(-1)).toEqual({ type: "result", finalAnswer: { answer: "4" }, totalSteps: 2 });
    expect(model.toolCalling).toBe("native");

    const [first, second] = server.received;
    expect(first?.path).toBe("/v1/chat/completions");
    expect(first?.headers.authorization).toBe("Bearer sk-local");
    expect(first?.body.model).toBe("test-model");
    expect(first?.body.tools?.map((t) => t.function.name)).toEqual(["calculate", "finish"]);
    expect(first?.body.tool_choice).toBe("auto");
    expect(first?.body.stop).toBeUndefined();
    expect(second?.body.messages.slice(-2)).toEqual([
      {
        role: "assistant",
        content: "I will add.",
        tool_calls: [toolCall("call_a", "calculate", { expression: "2 + 2" })],
      },
      { role: "tool", tool_call_id: "call_a", content: "4" },
    ]);
  });

  it("falls back to the text format for good when the server rejects tools", async () => {
    const server = await startServer((request) => {
      if (request.body.tools !== undefined)
        return { status: 400, json: { error: { message: "tools are not supported by this model" } } };
      const observed = request.body.messages.some((m) => m.content?.startsWith("Observation: 4"));
      return message({
        content: observed
          ? "Thought: got it\nFinal Answer: 4"
          : 'Thought: add\nAction: calculate[{"expression": "2 + 2"}]',
      });
    });
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m" });
    const events = await runAgent(model, "What is 2 + 2?");
    expect(events.at(-1)).toEqual({ type: "result", finalAnswer: { answer: "4" }, totalSteps: 2 });
    expect(model.toolCalling).toBe("text");
    expect(server.received.map((r) => r.body.tools === undefined)).toEqual([false, true, true]);
    const last = server.received[2]?.body;
    expect(last?.stop).toEqual(["\nObservation:"]);
    expect(last?.messages.slice(-2)).toEqual([
      { role: "assistant", content: 'Thought: add\nAction: calculate[{"expression":"2 + 2"}]' },
      { role: "user", content: "Observation: 4" },
    ]);
    expect(server.received[0]?.headers.authorization).toBeUndefined();
  });

  it("never sends tools in text mode", async () => {
    const server = await startServer(() => message({ content: "Final Answer: 4" }));
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m", toolCalling: "text", temperature: 0 });
    expect((await runAgent(model, "2 + 2?")).at(-1)).toMatchObject({ type: "result" });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.body).toMatchObject({ temperature: 0, stop: ["\nObservation:"] });
    expect(server.received[0]?.body.tools).toBeUndefined();
  });

  it("does not fall back when native mode is forced", async () => {
    const server = await startServer(() => ({ status: 400, json: { error: "no tools" } }));
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m", toolCalling: "native" });
    await expect(model.complete([{ role: "user", content: "hi" }], { tools: calculator.list() })).rejects.toMatchObject(
      { code: "FailedPrecondition", message: expect.stringContaining("HTTP 400") },
    );
    expect(server.received).toHaveLength(1);
  });

  it("sends no key when its variable is unset, and says so when the server then refuses", async () => {
    const server = await startServer(() => ({ status: 401, json: { error: "missing key" } }));
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m", apiKeyEnv: "NO_SUCH_KEY", env: {} });
    await expect(model.complete([{ role: "user", content: "hi" }], {})).rejects.toMatchObject({
      code: "Unauthenticated",
      message: expect.stringContaining("(no API key sent: environment variable NO_SUCH_KEY is not set)"),
    });
    expect(server.received[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    [401, "Unauthenticated"],
    [403, "PermissionDenied"],
    [429, "RateLimitExceeded"],
    [503, "Unavailable"],
  ])("maps HTTP %i to %s", async (status, code) => {
    const server = await startServer(() => ({ status, json: { error: "nope" } }));
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m" });
    await expect(model.complete([{ role: "user", content: "hi" }], {})).rejects.toMatchObject({
      code,
      details: { status: String(status) },
    });
  });

  it("reports a body that is not a completion as a ProtocolError", async () => {
    const server = await startServer((_, i) => (i === 0 ? { raw: "<html>" } : { json: { choices: [] } }));
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m" });
    await expect(model.complete([{ role: "user", content: "hi" }], {})).rejects.toMatchObject({
      code: "ProtocolError",
      message: expect.stringContaining("not JSON"),
    });
    await expect(model.complete([{ role: "user", content: "hi" }], {})).rejects.toMatchObject({
      code: "ProtocolError",
      message: expect.stringContaining("no choices[0].message"),
    });
  });

  it("reports an unreachable server as Unavailable", async () => {
    const server = await startServer(() => message({ content: "" }));
    const closed = server.baseUrl;
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    const model = new OpenAIChatModel({ baseUrl: closed, model: "m" });
    await expect(model.complete([{ role: "user", content: "hi" }], {})).rejects.toMatchObject({ code: "Unavailable" });
  });

  it("abandons the request when its signal aborts", async () => {
    const server = await startServer(() => "hang");
    const model = new OpenAIChatModel({ baseUrl: server.baseUrl, model: "m" });
    const controller = new AbortController();
    const pending = model.complete([{ role: "user", content: "hi" }], { signal: controller.signal });
    while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("rejects bad configuration when constructed", () => {
    expect(() => new OpenAIChatModel({ baseUrl: "not a url", model: "m" })).toThrow(
      expect.objectContaining({ code: "InvalidArgument" }),
    );
    expect(() => new OpenAIChatModel({ baseUrl: "ftp://127.0.0.1/v1", model: "m" })).toThrow(/must be http/);
    expect(() => new OpenAIChatModel({ baseUrl: "http://127.0.0.1:1/v1", model: " " })).toThrow(/model name is empty/);
  });
});
