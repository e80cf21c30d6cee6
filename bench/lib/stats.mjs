// Latency percentiles come from an HDR histogram (3 significant digits) fed with
// nanoseconds; results are reported in microseconds.
import hdr from "hdr-histogram-js";

export function latencyHistogram() {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  return {
    recordNs(ns) {
      histogram.recordValue(Math.max(1, ns));
    },
    /** p50/p99/mean/max in microseconds. */
    summaryUs() {
      return {
        count: histogram.totalCount,
        p50: histogram.getValueAtPercentile(50) / 1000,
        p99: histogram.getValueAtPercentile(99) / 1000,
        mean: histogram.mean / 1000,
        max: histogram.maxValue / 1000,
      };
    },
  };
}

/** Median, min and max of one metric across runs (undefined entries are skipped). */
export function acrossRuns(values) {
  const finite = values.filter((value) => typeof value === "number" && Number.isFinite(value));
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: finite.length };
}
