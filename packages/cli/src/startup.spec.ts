import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleManifest, loadedPackages } from "../scripts/loaded-packages.mjs";

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
  "prom-client", // the first finished call or scrape
  "@opentelemetry/api",
];

/** The module files (file: URLs) `serve --demo` loads before it prints its listening line. */
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
      const loaded = stderr
        .split("\n")
        .filter((line) => line.startsWith("module-load "))
        .map((line) => line.slice("module-load ".length));
      child.kill("SIGTERM");
      resolve(loaded);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
}

describe("toolbridge serve --demo startup", () => {
  it("loads no package it does not use before it listens", async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first with "npm run build"`);
    const loaded = loadedPackages(await modulesBeforeReady());
    const packages = new Set(loaded.flatMap((file) => file.packages));
    expect(packages).toContain("@grpc/grpc-js"); // the hook sees CommonJS
    expect(packages).toContain("zod"); // and ES modules
    expect(LOADED_ON_DEMAND.filter((name) => packages.has(name))).toEqual([]);
  });

  it("runs the bundle: only packages left out of it load from node_modules", async () => {
    const { external } = bundleManifest();
    expect(external.length, 'dist/chunks/packages.json is missing: build with "npm run build"').toBeGreaterThan(0);
    const loaded = loadedPackages(await modulesBeforeReady());
    const outside = loaded.filter((file) => !file.bundled);
    // prom-client's own dependencies come with it.
    const allowed = new Set([...external, "@opentelemetry/api", "tdigest", "bintrees"]);
    const unbundled = outside.filter((file) => !file.packages.every((name) => allowed.has(name)));
    expect(
      unbundled.map((file) => file.file),
      'dist/bin.js is not the bundle, or tsc rebuilt a package after it: run "npm run build"',
    ).toEqual([]);
    expect(loaded.filter((file) => file.bundled).length).toBeLessThan(20);
  });
});
