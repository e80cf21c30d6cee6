import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createHost } from "../host.js";
import { expectGrpcFailure, testClient } from "../testing/client.js";
import { defineTool } from "../tool/define-tool.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));

/** Every source file of the repository we write ourselves (generated code and dependencies excluded). */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (["node_modules", "dist", ".git", "gen", "__pycache__", ".venv"].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|mts|mjs|js|py)$/.test(name) && !/_pb2(_grpc)?\.py$/.test(name)) out.push(path);
  }
  return out;
}

// Built from pieces so this file does not match itself.
const FORBIDDEN: [string, RegExp][] = [
  // Not `.eval(` or a method named eval: those are Redis EVAL of the store's own fixed Lua scripts.
  ["JavaScript eval", new RegExp(`(?<![.\\w]|async\\s)${"ev"}al\\s*\\(`)],
  ["Function constructor", new RegExp(`new\\s+${"Func"}tion\\s*\\(`)],
  ["vm code evaluation", /\bvm\.(runIn|compileFunction|Script)/],
  ["unpickling", new RegExp(`\\b${"pick"}le\\b|\\bmarshal\\.loads?\\b|\\bdill\\b`)],
  ["Python exec", new RegExp(`(?<![.\\w])${"ex"}ec\\s*\\(`)],
  ["unsafe YAML load", new RegExp(`yaml\\.(unsafe_)?${"lo"}ad\\s*\\(`)],
];

/** Reviewed exceptions: file → why it is safe. Keep this list short. */
const ALLOWED = new Map([
  ["python/tests/test_readme.py", "runs the code blocks of the repository's own README (trusted, checked-in text)"],
]);

describe("safe defaults", () => {
  it("no eval, Function constructor, exec or unpickling anywhere in the sources", () => {
    const offenders: string[] = [];
    const roots = ["packages", "python", "scripts", "bench", "examples", "test", "conformance"].map((d) =>
      join(repo, d),
    );
    for (const root of roots) {
      let files: string[];
      try {
        files = sources(root);
      } catch {
        continue; // a directory that does not exist in this checkout
      }
      for (const file of files) {
        if (ALLOWED.has(relative(repo, file))) continue;
        const lines = readFileSync(file, "utf8").split("\n");
        lines.forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN)
            if (pattern.test(line)) offenders.push(`${relative(repo, file)}:${i + 1}: ${what}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it("binds gRPC and the gateway to 127.0.0.1 unless told otherwise", async () => {
    const host = await createHost({ port: 0, httpPort: 0, logLevel: "silent" });
    try {
      expect(host.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(host.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await host.close({ graceMs: 50 });
    }
  });

  it("errors carry no stack trace unless debug is on", async () => {
    const boom = defineTool({
      name: "boom",
      input: z.object({}),
      handler: () => {
        throw new Error("tool failed");
      },
    });
    for (const debug of [false, true]) {
      const host = await createHost({ port: 0, logLevel: "silent", tools: [boom], debug });
      const client = testClient(host.address);
      try {
        await client.unary("initializeSession", { sessionId: "s" });
        const response = await client.unary("executeTool", { sessionId: "s", toolId: "boom" });
        expect(response.success).toBe(false);
        expect(response.error?.message).toContain("tool failed");
        expect(response.error?.message).not.toMatch(/\n\s+at /);
        expect(response.error?.stacktrace !== "").toBe(debug);
        // A status failure too (a session that does not exist).
        const failure = await expectGrpcFailure(client.unary("getSessionInfo", { sessionId: "nope" }));
        expect(failure.code).toBe(status.NOT_FOUND);
        expect(failure.error.details).not.toMatch(/\n\s+at /);
        expect(failure.info?.stacktrace !== "").toBe(debug);
      } finally {
        client.close();
        await host.close({ graceMs: 50 });
      }
    }
  });
});
