// Scenarios that need a package which is not built (or not importable) report
// "unavailable: <why>" instead of numbers.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export class Unavailable extends Error {}

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI_BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));
export const PYTHON = "/usr/bin/python3";

const PACKAGE_EXPORTS = {
  "@toolbridge/host": ["createHost", "defineTool"],
  "@toolbridge/client": ["ToolBridge"],
};

const checks = {
  async host() {
    await requireExports("@toolbridge/host");
  },
  async client() {
    await requireExports("@toolbridge/client");
  },
  async cli() {
    if (!existsSync(CLI_BIN)) throw new Unavailable("packages/cli/dist/bin.js is missing (run npm run build)");
  },
  async python() {
    const probe = spawnSync(PYTHON, ["-c", "import toolbridge; toolbridge.GRPCToolBridge"], {
      cwd: `${REPO_ROOT}python`,
      encoding: "utf8",
    });
    if (probe.status !== 0) {
      const last = probe.stderr.trim().split("\n").at(-1) ?? "import failed";
      throw new Unavailable(`python toolbridge client: ${last}`);
    }
  },
};

async function requireExports(pkg) {
  let module;
  try {
    module = await import(pkg);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(`${pkg}/dist`))
      throw new Unavailable(`${pkg} is not built (run npm run build)`);
    throw new Unavailable(`${pkg} cannot be imported: ${firstLine(error)}`);
  }
  const missing = PACKAGE_EXPORTS[pkg].filter((name) => !(name in module));
  if (missing.length > 0) throw new Unavailable(`${pkg} does not export ${missing.join(", ")} yet`);
}

const firstLine = (error) => String(error instanceof Error ? error.message : error).split("\n")[0];

/** Throws Unavailable naming the first requirement that does not hold. */
export async function checkRequirements(requirements = []) {
  for (const requirement of requirements) await checks[requirement]();
}
