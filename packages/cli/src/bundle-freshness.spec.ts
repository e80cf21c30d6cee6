import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isStaleBundle } from "./bundle-freshness.js";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A packages/ tree: the CLI's dist/bin.js and main.js, and tsc build info for host, each with a given mtime (s). */
function layout(times: { bundle: number; hostBuilt?: number }): { bin: string; main: string } {
  root = mkdtempSync(join(tmpdir(), "toolbridge-bundle-"));
  const file = (path: string, seconds: number) => {
    mkdirSync(join(root as string, path, ".."), { recursive: true });
    writeFileSync(join(root as string, path), "");
    utimesSync(join(root as string, path), seconds, seconds);
    return pathToFileURL(join(root as string, path)).href;
  };
  const bin = file("packages/cli/dist/bin.js", times.bundle);
  const main = file("packages/cli/dist/main.js", times.bundle - 10);
  file("packages/cli/dist/.tsbuildinfo", times.bundle - 10);
  if (times.hostBuilt !== undefined) file("packages/host/dist/.tsbuildinfo", times.hostBuilt);
  return { bin, main };
}

describe("isStaleBundle", () => {
  it("is false for a bundle built after every package it holds", () => {
    expect(isStaleBundle(layout({ bundle: 2_000_000, hostBuilt: 1_999_000 }).bin)).toBe(false);
  });

  it("is true once tsc has rebuilt a package after the bundle", () => {
    expect(isStaleBundle(layout({ bundle: 2_000_000, hostBuilt: 2_000_100 }).bin)).toBe(true);
  });

  it("is false for tsc's own output and where no build info exists (an installed package)", () => {
    expect(isStaleBundle(layout({ bundle: 2_000_000, hostBuilt: 2_000_100 }).main)).toBe(false);
    expect(isStaleBundle(layout({ bundle: 2_000_000 }).bin)).toBe(false);
  });
});
