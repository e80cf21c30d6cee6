// Module hooks that let a test's child process (a host or worker script) run the
// workspace from source, as vitest does: @toolbridge/* resolve to packages/*/src,
// ".js" imports between TypeScript files find the ".ts", and TypeScript is
// stripped by esbuild. Register with `node --import <this dir>/register.mjs`.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const packages = new URL("../../../../", import.meta.url);
const entries = {
  "@toolbridge/protocol": "protocol/src/index.ts",
  "@toolbridge/protocol/gen": "protocol/src/gen.ts",
  "@toolbridge/host": "host/src/index.ts",
  "@toolbridge/client": "client/src/index.ts",
  "@toolbridge/client/worker": "client/src/worker/index.ts",
  "@toolbridge/agent": "agent/src/index.ts",
  "@toolbridge/testkit": "testkit/src/index.ts",
};

export async function resolve(specifier, context, next) {
  const entry = entries[specifier];
  if (entry) return { url: new URL(entry, packages).href, shortCircuit: true };
  if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith(".ts")) return next(url, context);
  const source = await readFile(fileURLToPath(url), "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcefile: url });
  return { format: "module", source: code, shortCircuit: true };
}
