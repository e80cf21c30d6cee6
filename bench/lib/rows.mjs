// Row builders shared by scenarios: a latency figure read from each side's result.

/** A latency row in µs; lower is better. `label` defaults to the id. */
export const latencyRow = (id, goals, label = id) => ({
  id,
  label,
  unit: "µs",
  better: "lower",
  baseline: (r) => r.baseline[id],
  toolbridge: (r) => r.toolbridge[id],
  goals,
});
