import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it, vi } from "vitest";

/**
 * The root README's TypeScript example runs as written against a real host;
 * only the port differs (a free one instead of 50051).
 */
const root = fileURLToPath(new URL("..", import.meta.url));
// Inside the repository so the snippet's imports resolve; ignored by git, biome and tsc.
const scratch = `${root}node_modules/.cache/toolbridge-readme`;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("README's define-serve-call example prints what its comments say", async () => {
  const readme = readFileSync(`${root}README.md`, "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const code = (block as string)
    .replace("port: 50051", 'port: 0, host: "127.0.0.1", logLevel: "warn"')
    .replace('new ToolBridge("127.0.0.1:50051")', "new ToolBridge(host.address)");
  expect(code).not.toContain("50051");
  mkdirSync(scratch, { recursive: true });
  const file = `${scratch}/snippet.mts`;
  writeFileSync(file, code);

  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ file);
    expect(log.mock.calls).toEqual([[6]]);
  } finally {
    log.mockRestore();
  }
});
