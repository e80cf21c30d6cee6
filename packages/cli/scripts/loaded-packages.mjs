// Which packages a process's loaded module files belong to, for the startup checks
// (src/startup.spec.ts, measure-startup.mjs) and the bundle's manifest (bundle.mjs).
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const manifest = `${dist}chunks/packages.json`;

/** The package a file belongs to, by its absolute path: "zod", "@grpc/grpc-js", "@toolbridge/host"... */
export function packageOf(file) {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (dependency) return dependency[1];
  const workspace = /packages\/([^/]+)\//.exec(file);
  return workspace ? `@toolbridge/${workspace[1]}` : undefined;
}

/** What bundle.mjs wrote: the packages in dist/bin.js and each chunk, and those left in node_modules. */
export function bundleManifest() {
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")) : { external: [], files: {} };
}

/**
 * The packages in each loaded module file (file: URLs): one for a plain file, each
 * package a bundle file holds for dist/bin.js and its chunks.
 */
export function loadedPackages(urls) {
  const { files } = bundleManifest();
  return urls.map((url) => {
    const file = fileURLToPath(url);
    const bundled = files[relative(dist, file)];
    return { file, bundled: bundled !== undefined, packages: bundled ?? [packageOf(file) ?? "(other)"] };
  });
}
