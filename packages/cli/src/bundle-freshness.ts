import { statSync } from "node:fs";

/** The workspace packages the bundle holds; tsc rewrites each one's dist/.tsbuildinfo when it rebuilds it. */
const BUNDLED_PACKAGES = ["cli", "host", "protocol", "client", "agent"];

/**
 * Whether `entryUrl` is the bundle (dist/bin.js, from scripts/bundle.mjs) and tsc has rebuilt
 * one of the packages it holds since: then the bundle runs old code, and tsc's own output
 * (dist/main.js) is the one to run. `npx tsc -b` alone is a build too.
 */
export function isStaleBundle(entryUrl: string): boolean {
  if (!entryUrl.endsWith("/dist/bin.js")) return false;
  const bundled = statSync(new URL(entryUrl)).mtimeMs;
  return BUNDLED_PACKAGES.some((name) => {
    const built = statSync(new URL(`../../${name}/dist/.tsbuildinfo`, entryUrl), { throwIfNoEntry: false });
    return built !== undefined && built.mtimeMs > bundled;
  });
}
