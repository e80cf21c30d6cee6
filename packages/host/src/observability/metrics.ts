import { create } from "@bufbuild/protobuf";
import { HistogramBucketSchema, type ToolMetrics, ToolMetricsSchema } from "@toolbridge/protocol";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Upper bounds (ms) of the latency histogram buckets. */
const BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];
/** Latest latencies kept per tool for percentiles. */
const RESERVOIR = 2048;

class ToolStats {
  calls = 0;
  successes = 0;
  maxMs = 0;
  readonly errors = new Map<string, number>();
  readonly buckets = new Float64Array(BUCKETS_MS.length + 1);
  readonly recent = new Float64Array(RESERVOIR);
  recentCount = 0;
  readonly promDuration: Histogram.Internal<"tool">;

  constructor(tool: string, duration: Histogram<"tool">) {
    this.promDuration = duration.labels(tool);
  }
}

/**
 * Call statistics: kept in plain arrays for GetMetrics (counts, errors by type,
 * percentiles over the latest calls, cumulative histogram) and mirrored into a
 * prom-client registry for Prometheus scraping.
 */
export class HostMetrics {
  readonly registry = new Registry();
  private readonly tools = new Map<string, ToolStats>();
  private readonly duration: Histogram<"tool">;
  private readonly streamBytes: Counter;
  private inFlightCount = 0;
  private streamBytesTotal = 0;

  constructor(sessionCount: () => Promise<number> | number) {
    const tools = this.tools;
    // Call counts and in-flight are copied from the plain counters when scraped:
    // prom-client hashes and validates labels on every inc, which a per-call path cannot afford.
    new Counter({
      name: "toolbridge_tool_calls_total",
      help: "Tool calls by tool and outcome (ok or the error type)",
      labelNames: ["tool", "status"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [tool, stats] of tools) {
          if (stats.successes > 0) this.inc({ tool, status: "ok" }, stats.successes);
          for (const [status, n] of stats.errors) this.inc({ tool, status }, n);
        }
      },
    });
    this.duration = new Histogram({
      name: "toolbridge_tool_duration_seconds",
      help: "Tool call latency",
      labelNames: ["tool"] as const,
      buckets: BUCKETS_MS.map((ms) => ms / 1000),
      registers: [this.registry],
    });
    const inFlight = () => this.inFlightCount;
    new Gauge({
      name: "toolbridge_in_flight_calls",
      help: "Tool calls running now",
      registers: [this.registry],
      collect() {
        this.set(inFlight());
      },
    });
    this.streamBytes = new Counter({
      name: "toolbridge_stream_bytes_sent_total",
      help: "Bytes of stream chunk data sent",
      registers: [this.registry],
    });
    new Gauge({
      name: "toolbridge_sessions",
      help: "Live sessions",
      registers: [this.registry],
      async collect() {
        this.set(await sessionCount());
      },
    });
  }

  callStarted(): void {
    this.inFlightCount++;
  }

  /** One finished call; errorType is "" on success. */
  callFinished(tool: string, errorType: string, durationMs: number): void {
    this.inFlightCount--;
    let stats = this.tools.get(tool);
    if (!stats) {
      stats = new ToolStats(tool, this.duration);
      this.tools.set(tool, stats);
    }
    stats.calls++;
    if (errorType === "") {
      stats.successes++;
    } else {
      stats.errors.set(errorType, (stats.errors.get(errorType) ?? 0) + 1);
    }
    if (durationMs > stats.maxMs) stats.maxMs = durationMs;
    let bucket = 0;
    while (bucket < BUCKETS_MS.length && durationMs > (BUCKETS_MS[bucket] as number)) bucket++;
    (stats.buckets as Float64Array)[bucket] = (stats.buckets[bucket] as number) + 1;
    stats.recent[stats.recentCount % RESERVOIR] = durationMs;
    stats.recentCount++;
    stats.promDuration.observe(durationMs / 1000);
  }

  streamSent(bytes: number): void {
    this.streamBytesTotal += bytes;
    this.streamBytes.inc(bytes);
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get streamBytesSent(): number {
    return this.streamBytesTotal;
  }

  /** GetMetrics view of every tool (or one). */
  toolMetrics(onlyTool = ""): ToolMetrics[] {
    const out: ToolMetrics[] = [];
    for (const [tool, stats] of this.tools) {
      if (onlyTool !== "" && tool !== onlyTool) continue;
      const sample = Array.from(stats.recent.subarray(0, Math.min(stats.recentCount, RESERVOIR))).sort((a, b) => a - b);
      let cumulative = 0;
      out.push(
        create(ToolMetricsSchema, {
          toolName: tool,
          calls: BigInt(stats.calls),
          successes: BigInt(stats.successes),
          errorsByType: Object.fromEntries([...stats.errors].map(([type, n]) => [type, BigInt(n)])),
          p50Ms: percentile(sample, 0.5),
          p95Ms: percentile(sample, 0.95),
          p99Ms: percentile(sample, 0.99),
          maxMs: stats.maxMs,
          latencyBuckets: [...BUCKETS_MS, Number.POSITIVE_INFINITY].map((upper, i) => {
            cumulative += stats.buckets[i] as number;
            return create(HistogramBucketSchema, { upperBoundMs: upper, count: BigInt(cumulative) });
          }),
        }),
      );
    }
    return out;
  }

  /** Prometheus text exposition of every metric. */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
