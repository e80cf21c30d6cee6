import { createRequire } from "node:module";
import { create } from "@bufbuild/protobuf";
import { HistogramBucketSchema, type ToolMetrics, ToolMetricsSchema } from "@toolbridge/protocol";
import type * as PromClient from "prom-client";
import type { Histogram, Registry } from "prom-client";

/** prom-client's exports, as handed to code that registers metrics of its own. */
export type PromClientModule = typeof PromClient;

/** Registers metrics in the host's Prometheus registry, with the prom-client it was built with. */
export type PrometheusRegistration = (prom: PromClientModule, registry: Registry) => void;

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

  constructor(readonly promDuration: Histogram.Internal<"tool">) {}
}

interface Prometheus {
  readonly prom: PromClientModule;
  readonly registry: Registry;
  readonly duration: Histogram<"tool">;
}

/**
 * Call statistics: kept in plain arrays for GetMetrics (counts, errors by type,
 * percentiles over the latest calls, cumulative histogram) and mirrored into a
 * prom-client registry for Prometheus scraping.
 *
 * prom-client (with @opentelemetry/api, ~80 modules and ~30 ms to load) is loaded
 * on the first metric use or scrape, not when the host starts: until then every
 * figure lives in the plain counters, so nothing is lost, and the registry reads
 * them when it is built.
 */
export class HostMetrics {
  private readonly tools = new Map<string, ToolStats>();
  private inFlightCount = 0;
  private streamBytesTotal = 0;
  private prometheus: Prometheus | undefined;
  private readonly registrations: PrometheusRegistration[] = [];

  constructor(private readonly sessionCount: () => Promise<number> | number) {}

  /** The prom-client registry (created, and prom-client loaded, on first access). */
  get registry(): Registry {
    return this.prometheusState().registry;
  }

  /**
   * Adds another component's metrics to the registry: at once when it exists,
   * otherwise when it is created, so the component does not load prom-client at startup.
   */
  onPrometheus(register: PrometheusRegistration): void {
    if (this.prometheus) register(this.prometheus.prom, this.prometheus.registry);
    else this.registrations.push(register);
  }

  callStarted(): void {
    this.inFlightCount++;
  }

  /** One finished call; errorType is "" on success. */
  callFinished(tool: string, errorType: string, durationMs: number): void {
    this.inFlightCount--;
    let stats = this.tools.get(tool);
    if (!stats) {
      stats = new ToolStats(this.prometheusState().duration.labels(tool));
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

  private prometheusState(): Prometheus {
    if (this.prometheus) return this.prometheus;
    // require(): the first use is synchronous (a call finishing, a registry read).
    const prom = createRequire(import.meta.url)("prom-client") as PromClientModule;
    const registry = new prom.Registry();
    const duration = this.registerHostMetrics(prom, registry);
    this.prometheus = { prom, registry, duration };
    for (const register of this.registrations.splice(0)) register(prom, registry);
    return this.prometheus;
  }

  /** The host's metric families; all but the latency histogram are read from the plain counters when scraped. */
  private registerHostMetrics(prom: PromClientModule, registry: Registry): Histogram<"tool"> {
    const tools = this.tools;
    const sessionCount = this.sessionCount;
    const inFlight = () => this.inFlightCount;
    const streamBytes = () => this.streamBytesTotal;
    // Copied from the plain counters when scraped: prom-client hashes and validates
    // labels on every inc, which a per-call path cannot afford.
    new prom.Counter({
      name: "toolbridge_tool_calls_total",
      help: "Tool calls by tool and outcome (ok or the error type)",
      labelNames: ["tool", "status"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [tool, stats] of tools) {
          if (stats.successes > 0) this.inc({ tool, status: "ok" }, stats.successes);
          for (const [status, n] of stats.errors) this.inc({ tool, status }, n);
        }
      },
    });
    const duration = new prom.Histogram({
      name: "toolbridge_tool_duration_seconds",
      help: "Tool call latency",
      labelNames: ["tool"] as const,
      buckets: BUCKETS_MS.map((ms) => ms / 1000),
      registers: [registry],
    });
    new prom.Gauge({
      name: "toolbridge_in_flight_calls",
      help: "Tool calls running now",
      registers: [registry],
      collect() {
        this.set(inFlight());
      },
    });
    new prom.Counter({
      name: "toolbridge_stream_bytes_sent_total",
      help: "Bytes of stream chunk data sent",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(streamBytes());
      },
    });
    new prom.Gauge({
      name: "toolbridge_sessions",
      help: "Live sessions",
      registers: [registry],
      async collect() {
        this.set(await sessionCount());
      },
    });
    return duration;
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
