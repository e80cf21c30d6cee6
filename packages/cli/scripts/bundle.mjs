#!/usr/bin/env node
// Bundles the `toolbridge` command into dist/bin.js plus lazily loaded chunks in dist/chunks/
// (run by `npm run build`, after tsc has built every package's dist/). Node 20 resolves, reads
// and links each ES module separately: the ~450 files `serve` loaded cost more than half of
// its start (issue 11: < 300 ms). The library packages' dist/ stay as tsc wrote them.
//
// What the bundle keeps from the unbundled layout:
// - Lazy stays lazy: every dynamic import() (a command, the gateway, the Redis store) is its own
//   chunk, and what the host require()s on first use (prom-client, apache-arrow, reflection,
//   health) is not bundled at all: esbuild does not follow createRequire().
// - Files find what lies next to them: a bundled file's import.meta.url, __dirname and
//   __filename are its original location (host's ../package.json, protocol's descriptor set,
//   createRequire() resolving from the package that declares the dependency).
// - Still one copy of each package: what is not bundled is never bundled (see `external`).
// dist/chunks/packages.json says which packages each output file holds, and which stay external
// (for the startup checks).
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { packageOf } from "./loaded-packages.mjs";

const cliRoot = fileURLToPath(new URL("..", import.meta.url));
const dist = join(cliRoot, "dist");
const chunkDir = join(dist, "chunks");

/** An expression for where `file` was, relative to the chunk it lands in (dist/chunks/). */
const originalUrl = (file) => `__tbOriginalUrl(${JSON.stringify(relative(chunkDir, file).split(sep).join("/"))})`;

/** Files whose location the plugin rewrote: each must land in dist/chunks/, where originalUrl() points from. */
const relocated = new Set();

// zod's `z` namespace re-exports every locale (~60 files, 370 KB of the bundle), kept whole
// because `z` is also a value. The command never switches zod's language (errors it prints are
// English, the default), so here z.locales holds English only: ~10 ms less to compile at start.
const onlyEnglishZod = {
  name: "only-english-zod",
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /node_modules\/zod\/v4\/(classic|core)\//.test(importer)
        ? { path: "zod-locales", namespace: "zod-locales" }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: cliRoot,
    }));
  },
};

/**
 * An ES module that require()s a package through createRequire() gets node_modules' copy at run
 * time; unless that package is external, an import of it elsewhere would bundle a second copy.
 */
function checkRequiredAreExternal(path, contents) {
  if (!contents.includes("createRequire")) return;
  for (const [, name] of contents.matchAll(
    /(?:\brequire(?:\.resolve)?|createRequire\([^)]*\))\(\s*"([^".][^"]*)"\s*\)/g,
  )) {
    const pkg = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0];
    if (!pkg.startsWith("node:") && !external.includes(pkg)) {
      throw new Error(`bundle: ${path} requires "${name}" through createRequire(): add "${pkg}" to external`);
    }
  }
}

// Rewrites the other packages' built JavaScript; the CLI's own TypeScript sources are bundled as
// they are (main.ts reads import.meta.url for ../package.json, the same from dist/bin.js).
const keepOriginalLocations = {
  name: "keep-original-locations",
  setup(plugin) {
    plugin.onLoad({ filter: /\.(c|m)?js$/ }, async ({ path }) => {
      let contents = await readFile(path, "utf8");
      const esm = /^\s*(import|export)\b/m.test(contents);
      const usesUrl = esm && contents.includes("import.meta.url");
      // Only CommonJS has these (an ES module may declare its own).
      const usesDirname = !esm && /\b__(dirname|filename)\b/.test(contents);
      if (!usesUrl && !usesDirname) return undefined;
      relocated.add(path);
      if (usesUrl) {
        checkRequiredAreExternal(path, contents);
        contents = contents.replaceAll("import.meta.url", `${originalUrl(path)}.href`);
      }
      if (usesDirname) {
        contents = `var __filename = __tbFileUrlToPath(${originalUrl(path)}), __dirname = __tbFileUrlToPath(${originalUrl(dirname(path))});\n${contents}`;
      }
      return { contents, loader: "js", resolveDir: dirname(path) };
    });
  },
};

// What the packages require() on first use through createRequire() (esbuild does not follow it)
// stays in node_modules, and so must every import of it: bundling a second copy would load the
// package twice (prom-client's registry would hold metrics of two copies). @grpc/proto-loader
// is also required lazily by @grpc/grpc-js (channelz, ORCA) and would drag protobufjs in.
const external = ["prom-client", "apache-arrow", "@grpc/proto-loader", "@grpc/reflection", "grpc-health-check"];

const result = await build({
  absWorkingDir: cliRoot,
  entryPoints: { bin: "src/main.ts" },
  outdir: dist,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  external,
  plugins: [onlyEnglishZod, keepOriginalLocations],
  banner: {
    js: [
      'import { createRequire as __tbCreateRequire } from "node:module";',
      'import { fileURLToPath as __tbFileUrlToPath } from "node:url";',
      // Bundled CommonJS require()s Node built-ins and the externals through this.
      "const require = __tbCreateRequire(import.meta.url);",
      "const __tbOriginalUrl = (path) => new URL(path, import.meta.url);",
    ].join("\n"),
  },
});

const packagesByChunk = {};
for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
  if (!output.endsWith(".js")) continue;
  const file = join(cliRoot, output);
  const sources = Object.keys(inputs).map((input) => join(cliRoot, input));
  const misplaced = sources.find((source) => relocated.has(source) && dirname(file) !== chunkDir);
  if (misplaced)
    throw new Error(`bundle: ${misplaced} is in ${output}, but its location is rewritten for dist/chunks/`);
  packagesByChunk[relative(dist, file)] = [
    ...new Set(
      sources.map((source) => {
        const name = packageOf(source);
        if (name === undefined) throw new Error(`bundle: ${source} is in no package`);
        return name;
      }),
    ),
  ].sort();
}
await writeFile(join(chunkDir, "packages.json"), `${JSON.stringify({ external, files: packagesByChunk }, null, 2)}\n`);
// Stale chunks go only now: a `toolbridge` started during the build still finds the ones it imports.
const written = new Set(Object.keys(result.metafile.outputs).map((output) => join(cliRoot, output)));
for (const name of await readdir(chunkDir)) {
  const file = join(chunkDir, name);
  if (name !== "packages.json" && !written.has(file) && !written.has(file.replace(/\.map$/, ""))) await rm(file);
}
const chunks = (await readdir(chunkDir)).filter((name) => name.endsWith(".js")).length;
console.log(`bundle: dist/bin.js and ${chunks} chunks in dist/chunks/`);
