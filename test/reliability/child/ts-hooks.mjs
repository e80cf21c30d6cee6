// Module hooks that let plain Node 20 run the TypeScript sources of a child host
// process (the tests need a host they can kill and restart): @toolbridge/* maps
// to packages/*/src, "./x.js" falls back to "./x.ts", and .ts is transpiled by
// esbuild (type-only, no bundling, so import.meta.url stays each file's own).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const packagesDir = new URL("../../../packages/", import.meta.url);
const workspace = /^@toolbridge\/(protocol|host|client|agent|testkit)(\/gen)?$/;

export async function resolve(specifier, context, nextResolve) {
  const pkg = workspace.exec(specifier);
  if (pkg) {
    const file = pkg[2] ? "gen.ts" : "index.ts";
    return { url: new URL(`${pkg[1]}/src/${file}`, packagesDir).href, shortCircuit: true };
  }
  if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts") && specifier.startsWith(".")) {
    const candidate = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".ts")) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", sourcemap: "inline", sourcefile: url });
  return { format: "module", source: code, shortCircuit: true };
}
