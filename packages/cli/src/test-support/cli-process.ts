import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The built `toolbridge` command as a user runs it (node packages/cli/dist/bin.js), for specs
// that start it as a child process. Build first: npm run build.

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
export const bin = join(packageDir, "dist", "bin.js");

/** Fails when the built CLI is missing or older than a source file of the package. */
export function assertBuilt(): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first with "npm run build"`);
  // tsc -b leaves unchanged outputs alone but always rewrites its build info.
  const built = statSync(join(packageDir, "dist", ".tsbuildinfo")).mtimeMs;
  const sources = readdirSync(join(packageDir, "src"), { recursive: true, encoding: "utf8" }).filter(
    (file) => file.endsWith(".ts") && !file.endsWith(".spec.ts") && !file.startsWith("test-support"),
  );
  const stale = sources.find((file) => statSync(join(packageDir, "src", file)).mtimeMs > built);
  if (stale) throw new Error(`${bin} is older than src/${stale}: rebuild with "npm run build"`);
}

/** The environment of the test run without the variables the CLI reads credentials from. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const {
    TOOLBRIDGE_TOKEN: _token,
    TOOLBRIDGE_AUTH_TOKENS_FILE: _tokens,
    TOOLBRIDGE_DEBUG: _debug,
    ...env
  } = process.env;
  return { ...env, ...extra };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command to completion. */
export function run(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeout = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Served {
  child: ChildProcess;
  /** HOST:PORT from the listening line. */
  address: string;
  /** What stdout held once `lines` lines had arrived. */
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `toolbridge serve ARGS` and resolves once it has printed `lineCount` lines (the listening line first). */
export function serve(args: string[], lineCount = 1, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Served> {
  const child = spawn(process.execPath, [bin, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (data) => {
      stdout += data;
      const lines = stdout.split("\n").slice(0, -1);
      if (lines.length < lineCount) return;
      const address = /^toolbridge listening on (\S+)$/.exec(lines[0] ?? "")?.[1];
      if (address === undefined) {
        child.kill("SIGKILL");
        reject(new Error(`serve printed ${JSON.stringify(lines[0])} first, not its listening line`));
        return;
      }
      resolve({
        child,
        address,
        lines,
        stderr: () => stderr,
        exited,
        stop: () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    });
    exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
}
