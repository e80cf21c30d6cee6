// Keeps the benchmarks from rotting: runs every scenario once with tiny counts
// against the built packages and checks each one produced all of its rows with
// figures for both sides. It asserts nothing about speed (the full run,
// `npm run bench`, measures that).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const builtEntryPoints = ["packages/host/dist/index.js", "packages/client/dist/index.js", "packages/cli/dist/bin.js"];

interface Stats {
  median: number;
}
interface Row {
  id: string;
  baseline?: Stats;
  toolbridge?: Stats;
}
interface Scenario {
  name: string;
  status: string;
  reason?: string;
  rows: Row[];
}

function runSmoke(jsonPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/run.mjs", "--smoke", "--json", jsonPath], { cwd: repoRoot });
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    child.stderr.on("data", (data) => {
      output += data;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("bench --smoke", () => {
  const dir = mkdtempSync(join(tmpdir(), "toolbridge-bench-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every scenario and reports every row for both sides", { timeout: 180_000 }, async () => {
    const missing = builtEntryPoints.filter((path) => !existsSync(join(repoRoot, path)));
    if (missing.length > 0) {
      throw new Error(
        `the benchmarks run the built packages; missing ${missing.join(", ")}. Build first: npm run build`,
      );
    }
    const jsonPath = join(dir, "smoke.json");
    const { code, output } = await runSmoke(jsonPath);
    expect(code, output).toBe(0);

    const results = JSON.parse(readFileSync(jsonPath, "utf8")) as { mode: string; scenarios: Scenario[] };
    expect(results.mode).toBe("smoke");
    const expected = readdirSync(join(repoRoot, "bench/scenarios"))
      .filter((file) => file.endsWith(".mjs") && file !== "index.mjs")
      .map((file) => file.replace(/\.mjs$/, ""))
      .sort();
    expect(results.scenarios.map((scenario) => scenario.name).sort()).toEqual(expected);

    for (const scenario of results.scenarios) {
      expect({ name: scenario.name, status: scenario.status, reason: scenario.reason }).toEqual({
        name: scenario.name,
        status: "ok",
        reason: undefined,
      });
      expect(scenario.rows.length).toBeGreaterThan(0);
      for (const row of scenario.rows) {
        expect(Number.isFinite(row.toolbridge?.median), `${scenario.name}/${row.id} has no toolbridge figure`).toBe(
          true,
        );
      }
    }
  });
});
