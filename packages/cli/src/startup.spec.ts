import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `serve` reaches its listening line without loading what a plain demo host never uses
// (issue 3's 1 s and issue 11's 300 ms goals): these packages load on first use only.
// Checked by module, not by time: timing belongs to scripts/measure-startup.mjs and bench/.
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const hook = new URL("../scripts/count-modules-hook.mjs", import.meta.url).href;
const LOADED_ON_DEMAND = [
  "apache-arrow", // the codec, on the first table
  "redis", // a redis:// store
  "@redis/client",
  "fastify", // --http-port
  "@grpc/reflection", // the first reflection call
  "@grpc/proto-loader", // reflection and health, on their first call
  "protobufjs",
  "grpc-health-check",
];

/** The module files `serve --demo` loads before it prints its listening line. */
function modulesBeforeReady(): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", hook, bin, "serve", "--demo", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => {
      if (!data.toString().includes("toolbridge listening on")) return;
      const loaded = stderr.split("\n").filter((line) => line.startsWith("module-load "));
      child.kill("SIGTERM");
      resolve(loaded);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
}

describe("toolbridge serve --demo startup", () => {
  it("loads no package it does not use before it listens", async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first with "npm run build"`);
    const loaded = await modulesBeforeReady();
    expect(loaded.some((line) => line.includes("/node_modules/@grpc/grpc-js/"))).toBe(true); // the hook sees CommonJS
    expect(loaded.some((line) => line.includes("/node_modules/zod/"))).toBe(true); // and ES modules
    const early = LOADED_ON_DEMAND.filter((name) => loaded.some((line) => line.includes(`/node_modules/${name}/`)));
    expect(early).toEqual([]);
  });
});
