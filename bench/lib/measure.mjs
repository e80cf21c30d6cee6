// Measurement loops shared by every client adapter, so the baseline and toolbridge
// are driven by exactly the same code.
import { latencyHistogram } from "./stats.mjs";

const nowNs = () => process.hrtime.bigint();

/** Sequential calls: per-call latency after `warmup` unrecorded calls. */
export async function sequentialLatency(call, { count, warmup }) {
  for (let i = 0; i < warmup; i++) await call(i);
  const histogram = latencyHistogram();
  for (let i = 0; i < count; i++) {
    const start = nowNs();
    await call(i);
    histogram.recordNs(Number(nowNs() - start));
  }
  return histogram.summaryUs();
}

/** `total` calls kept `inFlight` at a time on one channel: calls per second. */
export async function throughput(call, { inFlight, total, warmup }) {
  await runInFlight(call, inFlight, warmup);
  const start = nowNs();
  await runInFlight(call, inFlight, total);
  const seconds = Number(nowNs() - start) / 1e9;
  return { callsPerSecond: total / seconds, seconds };
}

async function runInFlight(call, inFlight, total) {
  let issued = 0;
  const lane = async () => {
    while (issued < total) {
      const index = issued++;
      await call(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
}

/** Wall time of one async operation, in milliseconds. */
export async function timeMs(operation) {
  const start = nowNs();
  const value = await operation();
  return { ms: Number(nowNs() - start) / 1e6, value };
}
