import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog } from "./audit-log.js";
import { bearerTokens } from "./authenticator.js";
import { httpCredentials } from "./credentials.js";

describe("audit log to a file", () => {
  it("appends one JSON line per event, marked as the audit stream", () => {
    const dir = mkdtempSync(join(tmpdir(), "toolbridge-audit-"));
    try {
      const path = join(dir, "logs", "audit.jsonl");
      const audit = AuditLog.create({ destination: path });
      audit.sessionCreated("s1", "alice", "grpc");
      audit.authFailed("http", "GET /api/sessions/:id", "invalid bearer token");
      audit.close();
      const lines = readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines).toEqual([
        expect.objectContaining({ log: "audit", event: "session_created", sessionId: "s1", principal: "alice" }),
        expect.objectContaining({ log: "audit", event: "auth_failed", transport: "http", level: 40 }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bearer tokens", () => {
  const auth = bearerTokens({ "0123456789abcdef-alice": "alice" });
  const withHeader = (value?: string) => httpCredentials(value === undefined ? {} : { authorization: value });

  it("maps a known token to its principal, case-insensitive scheme", () => {
    expect(auth.authenticate(withHeader("Bearer 0123456789abcdef-alice"))).toBe("alice");
    expect(auth.authenticate(withHeader("bearer 0123456789abcdef-alice"))).toBe("alice");
  });

  it("refuses missing, malformed, other-scheme and unknown tokens as Unauthenticated", () => {
    for (const header of [undefined, "Bearer", "Basic abc", "Bearer 0123456789abcdef-alicE", "Bearer a b"]) {
      expect(() => auth.authenticate(withHeader(header))).toThrow(expect.objectContaining({ code: "Unauthenticated" }));
    }
  });

  it("refuses short tokens and empty principals at configuration time", () => {
    expect(() => bearerTokens({ short: "x" })).toThrow(/16 characters/);
    expect(() => bearerTokens({ "0123456789abcdef-x": "" })).toThrow(/principal/);
  });
});
