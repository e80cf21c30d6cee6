// Row builders shared by scenarios: a figure read from each side's result under the same id.

/** A row whose value is `r.<side>[id]` on both sides. `label` defaults to the id. */
export const sideRow = (id, { unit, better, goals, label = id }) => ({
  id,
  label,
  unit,
  better,
  baseline: (r) => r.baseline[id],
  toolbridge: (r) => r.toolbridge[id],
  goals,
});

/** A latency row in µs; lower is better. */
export const latencyRow = (id, goals, label = id) => sideRow(id, { unit: "µs", better: "lower", goals, label });
