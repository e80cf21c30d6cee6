// docs/errors.md must list exactly ERROR_TYPES, with the same statuses.
import { readFileSync } from "node:fs";
import { status } from "@grpc/grpc-js";
import { ERROR_TYPES } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
const rows = doc
  .split("\n")
  .filter((line) => /^\| [A-Z]\w+ \| (response|status) \|/.test(line))
  .map((line) => line.split("|").map((cell) => cell.trim()));

describe("docs/errors.md", () => {
  it("has one row per error type, in the table's order", () => {
    expect(rows.map((r) => r[1])).toEqual(Object.keys(ERROR_TYPES));
  });

  it.each(rows)("%s row matches ERROR_TYPES", (_, type, where, grpc, http, retryable) => {
    const entry = ERROR_TYPES[type as keyof typeof ERROR_TYPES];
    expect(where).toBe(entry.inResponse ? "response" : "status");
    expect(status[grpc as keyof typeof status]).toBe(entry.grpc);
    expect(Number(http)).toBe(entry.http);
    expect(retryable).toBe(entry.retryable ? "yes" : "no");
  });
});
