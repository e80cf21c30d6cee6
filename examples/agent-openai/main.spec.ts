import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { main } from "./main.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Stands in for the user's LLM server: scripted OpenAI-compatible replies on 127.0.0.1:0. */
async function scriptedServer(replies: object[]): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ message: { role: "assistant", ...replies[n++] } }] }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const call = (id: string, name: string, args: object) => ({
  id,
  type: "function",
  function: { name, arguments: JSON.stringify(args) },
});

it("runs the example agent against an OpenAI-compatible server, tools and all", async () => {
  const baseUrl = await scriptedServer([
    {
      content: "Count first.",
      tool_calls: [call("1", "word_count", { text: "the quick brown fox jumps over the lazy dog" })],
    },
    { content: "Now multiply.", tool_calls: [call("2", "multiply", { a: 9, b: 12 })] },
    { content: null, tool_calls: [call("3", "finish", { answer: "108" })] },
  ]);
  const lines: string[] = [];
  const answer = await main({ baseUrl, model: "example-model", log: (line) => lines.push(line) });
  expect(answer).toEqual({ answer: "108" });
  expect(lines).toContain("[1] observation: 9");
  expect(lines).toContain("[2] observation: 108");
  expect(lines.at(-1)).toBe('answer (3 steps): {"answer":"108"}');
});
