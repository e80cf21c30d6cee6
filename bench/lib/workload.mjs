// What both sides are asked to do, defined once so the baseline and toolbridge
// servers and clients cannot drift apart.

/** The small echo payload (the spec's "benchmark_input"). */
export const SMALL_PAYLOAD = "benchmark_input";
/** Tool names served by both the baseline server and the toolbridge bench host. */
export const TOOL = { echo: "echo", sleep: "sleep", stream: "stream" };
/** How long the "async I/O" tool waits. */
export const SLEEP_MS = 10;
