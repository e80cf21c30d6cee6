import { describe, expect, it } from "vitest";
import { HostMetrics } from "./metrics.js";

describe("HostMetrics", () => {
  it("exposes call counts by outcome and calls in flight as of the scrape", async () => {
    const metrics = new HostMetrics(() => 2);
    metrics.callStarted();
    metrics.callStarted();
    metrics.callStarted();
    metrics.callFinished("add", "", 1.5);
    metrics.callFinished("add", "ValidationError", 0.2);
    let text = await metrics.metricsText();
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ok"} 1');
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ValidationError"} 1');
    expect(text).toContain("toolbridge_in_flight_calls 1");
    expect(text).toContain('toolbridge_tool_duration_seconds_count{tool="add"} 2');
    expect(text).toContain("toolbridge_sessions 2");
    metrics.callFinished("add", "", 3);
    text = await metrics.metricsText();
    // A second scrape reports totals, not totals added twice.
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ok"} 2');
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ValidationError"} 1');
    expect(text).toContain("toolbridge_in_flight_calls 0");
  });
});
