import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuditThrottle, type SuppressedSummary } from "./audit-throttle.js";

// The window logic on a fake clock: what is written, what is held back, and the summary
// that accounts for it when the window ends.

let summaries: SuppressedSummary[];

beforeEach(() => {
  vi.useFakeTimers();
  summaries = [];
});

afterEach(() => {
  vi.useRealTimers();
});

const admitted = (throttle: AuditThrottle, n: number, event: string, source: string) =>
  Array.from({ length: n }, () => throttle.admit(event, source)).filter(Boolean).length;

describe("AuditThrottle", () => {
  it("writes 10 lines per source per second by default and summarizes the rest when the second ends", () => {
    const throttle = new AuditThrottle({}, (s) => summaries.push(s));
    expect(admitted(throttle, 1_000, "auth_failed", "10.0.0.7")).toBe(10);
    expect(summaries).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(summaries).toEqual([
      {
        suppressedEvent: "auth_failed",
        suppressed: 990,
        windowMs: 1_000,
        topSources: [{ source: "10.0.0.7", suppressed: 990 }],
      },
    ]);
    // A new window, a new budget; a quiet window writes no summary.
    expect(admitted(throttle, 5, "auth_failed", "10.0.0.7")).toBe(5);
    vi.advanceTimersByTime(5_000);
    expect(summaries).toHaveLength(1);
  });

  it("counts sources and events apart, caps each event over all its sources, and names the top sources", () => {
    const throttle = new AuditThrottle({ linesPerSource: 2, linesPerEvent: 5 }, (s) => summaries.push(s));
    expect(admitted(throttle, 3, "auth_failed", "a")).toBe(2);
    expect(admitted(throttle, 3, "auth_failed", "b")).toBe(2);
    // Only one line of the event's 5 is left for c.
    expect(admitted(throttle, 10, "auth_failed", "c")).toBe(1);
    // Another event has budgets of its own.
    expect(admitted(throttle, 3, "limit_hit", "a")).toBe(2);
    throttle.flush();
    expect(summaries).toEqual([
      {
        suppressedEvent: "auth_failed",
        suppressed: 11,
        windowMs: 1_000,
        topSources: [
          { source: "c", suppressed: 9 },
          { source: "a", suppressed: 1 },
          { source: "b", suppressed: 1 },
        ],
      },
      { suppressedEvent: "limit_hit", suppressed: 1, windowMs: 1_000, topSources: [{ source: "a", suppressed: 1 }] },
    ]);
  });

  it("takes a per-call budget (one line per burst) and keeps its memory bounded whatever the number of sources", () => {
    const throttle = new AuditThrottle({ linesPerEvent: 1_000_000 }, (s) => summaries.push(s));
    expect(
      Array.from({ length: 50 }, () => throttle.admit("connection_refused", "grpc", 1)).filter(Boolean),
    ).toHaveLength(1);
    // 30,000 distinct sources, 2 lines each: past 10,000 they share one entry (and its budget).
    let written = 0;
    for (let i = 0; i < 30_000; i++) {
      for (let j = 0; j < 2; j++) if (throttle.admit("auth_failed", `source-${i}`)) written++;
    }
    throttle.flush();
    expect(written).toBe(10_000 * 2 + 10);
    const authSummary = summaries.find((s) => s.suppressedEvent === "auth_failed");
    expect(authSummary).toEqual({
      suppressedEvent: "auth_failed",
      suppressed: 60_000 - written,
      windowMs: 1_000,
      topSources: [{ source: "(other sources)", suppressed: 60_000 - written }],
    });
    expect(summaries.find((s) => s.suppressedEvent === "connection_refused")?.suppressed).toBe(49);
  });

  it("refuses budgets below 1", () => {
    expect(() => new AuditThrottle({ linesPerSource: 0 }, () => {})).toThrow(/linesPerSource/);
    expect(() => new AuditThrottle({ windowMs: 1.5 }, () => {})).toThrow(/windowMs/);
  });
});
