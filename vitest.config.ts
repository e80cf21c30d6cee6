import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string, file = "index.ts") =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

// Tests import workspace packages from source, so `npm test` needs no build step
// for TypeScript (the CLI and Python tests use the built dist/).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@toolbridge\/protocol\/gen$/, replacement: src("protocol", "gen.ts") },
      { find: /^@toolbridge\/protocol$/, replacement: src("protocol") },
      { find: /^@toolbridge\/host$/, replacement: src("host") },
      { find: /^@toolbridge\/client\/worker$/, replacement: src("client", "worker/index.ts") },
      { find: /^@toolbridge\/client$/, replacement: src("client") },
      { find: /^@toolbridge\/agent$/, replacement: src("agent") },
      { find: /^@toolbridge\/testkit$/, replacement: src("testkit") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.spec.ts", "test/**/*.spec.ts", "bench/**/*.spec.ts", "examples/**/*.spec.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
