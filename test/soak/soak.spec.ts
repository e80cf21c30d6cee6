import { describe, expect, it } from "vitest";
import { soak } from "./soak.js";

// Mixed load (unary, stream, batch, variables, session churn) at half of the
// measured capacity against a host in a child process. 30 s in the default
// suite; `npm run soak` runs it for 10 minutes (SOAK_DURATION_MS).

const DURATION_MS = Number(process.env.SOAK_DURATION_MS ?? 30_000);
const LONG = DURATION_MS >= 120_000;
// Heap snapshots of the host for heap-diff.ts: SOAK_SNAPSHOT_DIR=/tmp/s SOAK_SNAPSHOTS_AT_S=320,590 npm run soak
const SNAPSHOTS_AT_MS = process.env.SOAK_SNAPSHOT_DIR
  ? (process.env.SOAK_SNAPSHOTS_AT_S ?? "")
      .split(",")
      .filter(Boolean)
      .map((s) => Number(s) * 1000)
  : [];

describe("soak", () => {
  it(
    `${DURATION_MS / 1000} s of mixed load: no errors, fds back to where they were, RSS not climbing`,
    { timeout: DURATION_MS + 120_000 },
    async () => {
      const report = await soak({
        durationMs: DURATION_MS,
        capacityMs: 5000,
        // Each sample forces a full GC in the host: not too often.
        sampleEveryMs: LONG ? 5000 : 2000,
        // 30 s: a 5 s window, so remembered outcomes reach their steady size in the first half.
        ...(LONG ? {} : { idempotencyWindowMs: 5000 }),
        snapshotsAtMs: SNAPSHOTS_AT_MS,
        log: LONG ? (line) => console.log(line) : undefined,
      });
      const { samples, ...summary } = report;
      console.log(`soak report ${JSON.stringify(summary, null, 2)}`);

      expect(report.operations).toBeGreaterThan(0);
      expect(report.errorsByKind).toEqual({});
      // Every connection the load opened is closed again on the host.
      expect(report.fds.after).toBeLessThanOrEqual(report.fds.before + 5);
      // Bounded during the run too: long-lived channels plus at most CONCURRENCY churn channels.
      expect(report.fds.max).toBeLessThanOrEqual(report.fds.before + 80);
      // Generous for 30 s (JIT and pools still warming up); the 10 min run is the real check.
      // The live heap after a full GC is the leak signal; RSS also follows GC timing and gets more room.
      expect(report.liveHeapSlopeMbPerMin).toBeLessThan(LONG ? 1 : 10);
      expect(report.rssSlopeMbPerMin).toBeLessThan(LONG ? 2 : 60);
      if (LONG) {
        // Native memory (RSS minus V8's heap: malloc arenas, buffers, stacks) stays put too.
        expect(report.slopes.secondHalf.native).toBeLessThan(2);
        expect(report.slopes.secondHalf.external).toBeLessThan(1);
      }
      expect(samples.length).toBeGreaterThan(3);
    },
  );
});
