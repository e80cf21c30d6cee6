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
    expect(text).toContain('toolbridge_tool_duration_seconds_bucket{le="0.0025",tool="add"} 2');
    expect(text).toContain("toolbridge_sessions 2");
    metrics.callFinished("add", "", 3);
    text = await metrics.metricsText();
    // A second scrape reports totals, not totals added twice.
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ok"} 2');
    expect(text).toContain('toolbridge_tool_calls_total{tool="add",status="ValidationError"} 1');
    expect(text).toContain("toolbridge_in_flight_calls 0");
  });

  // That prom-client itself is not loaded at startup is checked on the built CLI (packages/cli/src/startup.spec.ts).
  it("builds the registry on first use, and keeps what was counted before", async () => {
    const metrics = new HostMetrics(() => 0);
    metrics.callStarted();
    metrics.streamSent(100);
    metrics.streamSent(28);
    let registered = false;
    metrics.onPrometheus((prom, registry) => {
      registered = true;
      new prom.Gauge({
        name: "toolbridge_test_component",
        help: "registered before the registry existed",
        registers: [registry],
      }).set(7);
    });
    expect(registered).toBe(false);
    expect(metrics.streamBytesSent).toBe(128);

    const text = await metrics.metricsText();
    expect(registered).toBe(true);
    expect(metrics.registry).toBe(metrics.registry);
    expect(text).toContain("toolbridge_in_flight_calls 1");
    expect(text).toContain("toolbridge_stream_bytes_sent_total 128");
    expect(text).toContain("toolbridge_test_component 7");
    // A registration after the registry exists runs at once.
    let late = false;
    metrics.onPrometheus((_prom, registry) => {
      late = registry === metrics.registry;
    });
    expect(late).toBe(true);
  });
});
