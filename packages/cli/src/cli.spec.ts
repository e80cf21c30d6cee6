import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, run, type Served, serve } from "./test-support/cli-process.js";

/**
 * Runs the built `toolbridge` command as a user would: a child process of
 * `node packages/cli/dist/bin.js`. scripts/test.sh builds before vitest runs.
 */
beforeAll(assertBuilt);

describe("toolbridge serve --demo", () => {
  let served: Served;

  beforeAll(async () => {
    const started = performance.now();
    served = await serve(["--demo", "--port", "0"]);
    // Reported, not asserted: timing belongs to the benchmarks (goal: ready within 1 s).
    console.info(`toolbridge serve --demo ready in ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    served?.child.kill("SIGTERM");
    await served?.exited;
  });

  it("prints exactly one line, with the port the OS picked", () => {
    expect(served.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  });

  it("tools lists the five demo tools with their arguments", async () => {
    const { code, stdout, stderr } = await run(["tools", "--address", served.address]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const line of [
      "calculate (standard)",
      "  - expression: str, required",
      "search_web (standard)",
      "  - query: str, required",
      "  - limit: int = 5",
      "stream_data (streaming)",
      "  - count: int = 10",
      "echo (standard)",
      "  - value: any",
      "process (standard)",
      "  - records: list[dict[str, any]], required",
    ]) {
      expect(stdout).toContain(line);
    }
  });

  it("tools --json describes every tool and argument", async () => {
    const { code, stdout } = await run(["tools", "--address", served.address, "--json"]);
    expect(code).toBe(0);
    const tools = JSON.parse(stdout) as { name: string; type: string; arguments: { name: string }[] }[];
    expect(tools.map((t) => t.name).sort()).toEqual(["calculate", "echo", "process", "search_web", "stream_data"]);
    expect(tools.find((t) => t.name === "process")?.arguments.map((a) => a.name)).toEqual([
      "records",
      "operation",
      "field",
      "order",
    ]);
  });

  it("tools --emit-ts prints the client's type map for typed proxies", async () => {
    const { code, stdout } = await run(["tools", "--address", served.address, "--emit-ts"]);
    expect(code).toBe(0);
    expect(stdout).toContain("export type BridgeTools = {");
    expect(stdout).toContain("kwargs: { expression: string };");
    expect(stdout).toContain("  stream_data: {");
  });

  it('call calculate expression="2 + 2" prints 4', async () => {
    const { code, stdout } = await run(["call", "calculate", "--address", served.address, "expression=2 + 2"]);
    expect(code).toBe(0);
    expect(stdout).toBe("4\n");
  });

  it("call parses JSON values and prints structured results", async () => {
    const { code, stdout } = await run([
      "call",
      "search_web",
      "--address",
      served.address,
      "query=DSPy framework",
      "limit=2",
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as { title: string; url: string; snippet: string }[];
    expect(results).toHaveLength(2);
    expect(results[0]?.url).toBe("https://dspy.ai/");
  });

  it("call on a streaming tool prints one JSON line per chunk, bytes tagged as $bytes", async () => {
    const text = await run(["call", "stream_data", "--address", served.address, "count=3", "size=2", "encoding=text"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('"aa"\n"bb"\n"cc"\n');
    const bytes = await run(["call", "stream_data", "--address", served.address, "count=2", "size=3"]);
    expect(bytes.stdout).toBe('{"$bytes":"AAAA"}\n{"$bytes":"AQEB"}\n');
  });

  it("call reads and prints values the codec carries losslessly, in the gateway's JSON notation", async () => {
    const value =
      '{"big":{"$int":"9223372036854775807"},"raw":{"$bytes":"AAE="},"when":{"$ts":"2024-01-02T03:04:05Z"},"two":{"$float":"2"}}';
    const { code, stdout } = await run(["call", "echo", "--address", served.address, `value=${value}`]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      big: { $int: "9223372036854775807" },
      raw: { $bytes: "AAE=" },
      when: { $ts: "2024-01-02T03:04:05.000Z" },
      two: 2,
    });
  });

  it("call rejects an unreadable tagged value as a usage error", async () => {
    const { code, stderr } = await run(["call", "echo", "--address", served.address, 'value={"$int":"x"}']);
    expect(code).toBe(2);
    expect(stderr).toContain("argument value");
  });

  it("call reports a tool's error with its type and exits 1", async () => {
    const { code, stdout, stderr } = await run(["call", "calculate", "--address", served.address, "expression=1 / 0"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/ValidationError/);
    expect(stderr).toContain("division by zero");
  });

  it("call names the session's tools when the tool does not exist", async () => {
    const { code, stderr } = await run(["call", "nope", "--address", served.address]);
    expect(code).toBe(2);
    expect(stderr).toContain('no tool named "nope" (tools: calculate, search_web, stream_data, echo, process)');
  });
});

describe("toolbridge demo", () => {
  it("prints the round trip and exits 0", async () => {
    const { code, stdout, stderr } = await run(["demo"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^host: listening on 127\.0\.0\.1:\d+ with 5 demo tools$/m);
    expect(stdout).toContain('initialize("demo-session") -> 5 tools');
    expect(stdout).toContain('calculate({ expression: "2 + 2" }) = 4\n');
    expect(stdout).toContain("stream_data({ count: 10, size: 1024 }) -> 10 chunks, 10240 bytes\n");
    expect(stdout).toContain("executeBatch(5 calls) -> 5 results\n");
    expect(stdout.match(/^ {2}\[\d\] /gm)).toHaveLength(5);
    expect(stdout.endsWith("round trip complete\n")).toBe(true);
  });
});

describe("toolbridge serve lifecycle", () => {
  it("stops gracefully on SIGTERM and exits 0", async () => {
    const served = await serve(["--port", "0"]);
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain("SIGTERM received, shutting down");
  });

  it("serves the HTTP/JSON gateway too with --http-port, announced on a second line", async () => {
    const served = await serve(["--demo", "--port", "0", "--http-port", "0"], 2);
    try {
      const url = /^toolbridge http gateway listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(served.lines[1] ?? "")?.[1];
      expect(url, served.lines.join("\n")).toBeDefined();
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
    } finally {
      await served.stop();
    }
  });

  it("labels the scripted LLM in its logs", async () => {
    const served = await serve(["--port", "0", "--llm", "scripted"]);
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain("scripted LLM, a deterministic test double");
  });

  it("fails with exit 1 and says why when the session store is unreachable", async () => {
    const { code, stdout, stderr } = await run(["serve", "--port", "0", "--store", "redis://127.0.0.1:1"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("session store redis://127.0.0.1:1 unavailable");
  });

  it("fails with exit 1 and says why when the port is taken", async () => {
    const first = await serve(["--port", "0"]);
    try {
      const port = first.address.split(":")[1] as string;
      const second = await run(["serve", "--port", port]);
      expect(second.code).toBe(1);
      expect(second.stdout).toBe("");
      expect(second.stderr).toMatch(/^toolbridge: serve: cannot start a host on 127\.0\.0\.1:\d+: .*EADDRINUSE/m);
    } finally {
      first.child.kill("SIGTERM");
      await first.exited;
    }
  });
});

describe("bad command lines", () => {
  it.each([
    [["serve", "--bogus"], "serve: Unknown option '--bogus'"],
    [["serve", "--port", "70000"], "--port must be a port number 0-65535"],
    [["serve", "--llm", "magic"], '--llm must be "scripted" or "openai"'],
    [["serve", "--llm-model", "m"], "--llm-model needs --llm openai"],
    [["serve", "--llm", "openai"], "--llm openai needs --llm-base-url URL and --llm-model NAME"],
    [["serve", "--store", "mysql://x"], '--store must be "memory" or a redis://HOST:PORT[/DB] URL'],
    [["serve", "--http-port", "x"], "--http-port must be a port number 0-65535"],
    [["tools"], "tools: --address is required"],
    [["call", "calculate"], "call: --address is required"],
    [["call", "--address", "127.0.0.1:1"], "call: name the tool to call"],
    [["call", "calculate", "--address", "127.0.0.1:1", "oops"], 'expected key=value, got "oops"'],
    [["frobnicate"], 'unknown command "frobnicate"'],
  ])("%j fails with a clear message and exit code 2", async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it("help lists the commands; each command has --help", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["serve", "tools", "call", "demo"]) expect(help.stdout).toContain(`  ${command}`);
    const serveHelp = await run(["serve", "--help"]);
    expect(serveHelp.stdout).toContain("--http-port N");
  });
});
