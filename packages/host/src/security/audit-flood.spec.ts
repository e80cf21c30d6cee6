import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createHost } from "../host.js";
import { expectGrpcFailure, testClient } from "../testing/client.js";
import { auditCapture, bearer, TEST_TOKENS } from "./testing.js";

// A flood of bad credentials against a real host costs the audit log a bounded number of
// lines, and the summary still accounts for every attempt.

const FLOOD = 1_000;

describe("audit volume under a flood of bad credentials", () => {
  it("1,000 bad-token calls: 10 auth_failed lines and one summary with the 990 suppressed", async () => {
    const audit = auditCapture();
    const host = await createHost({
      port: 0,
      httpPort: 0,
      logLevel: "silent",
      auth: { tokens: TEST_TOKENS },
      // One window for the whole flood, so the counts are exact (the default window is 1 s).
      audit: { destination: audit.destination, rateLimit: { windowMs: 600_000 } },
    });
    const client = testClient(host.address);
    try {
      const mallory = bearer("mallory-token-000000000");
      const codes: number[] = [];
      for (let sent = 0; sent < FLOOD; sent += 100) {
        const wave = Array.from({ length: 100 }, () => expectGrpcFailure(client.unary("healthCheck", {}, mallory)));
        for (const failure of await Promise.all(wave)) codes.push(failure.code);
      }
      expect(codes).toEqual(Array(FLOOD).fill(status.UNAUTHENTICATED));
      // Genuine callers are not affected, and a failure of another kind is audited on its own budget.
      await client.unary("healthCheck", {}, bearer("alice-token-0123456789"));
      const response = await fetch(`${host.httpUrl}/api/sessions/nope`, {
        headers: { authorization: "Bearer wrong-token-0000000000" },
      });
      expect(response.status).toBe(401);
    } finally {
      client.close();
      await host.close({ graceMs: 100 });
    }
    const failed = audit.events.filter((e) => e.event === "auth_failed");
    // Both transports come from 127.0.0.1: one source, one budget of 10 lines.
    expect(failed).toHaveLength(10);
    for (const line of failed) expect(line).toMatchObject({ transport: "grpc", remote: "127.0.0.1", level: 40 });
    expect(audit.events.filter((e) => e.event === "audit_suppressed")).toEqual([
      expect.objectContaining({
        suppressedEvent: "auth_failed",
        suppressed: FLOOD + 1 - 10,
        topSources: [{ source: "127.0.0.1", suppressed: FLOOD + 1 - 10 }],
        level: 40,
      }),
    ]);
    expect(JSON.stringify(audit.events)).not.toContain("mallory-token");
  });
});
