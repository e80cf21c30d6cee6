// Plain-text result table: one block per scenario, one line per metric, each
// value as "median [min–max]" across runs, the ratio toolbridge ÷ baseline, and
// every goal with PASS/FAIL.

const formatNumber = (value) => {
  if (value === undefined) return "";
  const magnitude = Math.abs(value);
  // Thresholds at the rounding edges, so 999.6 prints as "1,000" and 99.96 as "100".
  if (magnitude >= 999.5) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 99.95) return value.toFixed(0);
  if (magnitude >= 9.995) return value.toFixed(1);
  return value.toFixed(2);
};

const spread = (stats, suffix = "") =>
  stats
    ? stats.runs > 1
      ? `${formatNumber(stats.median)}${suffix} [${formatNumber(stats.min)}–${formatNumber(stats.max)}]`
      : `${formatNumber(stats.median)}${suffix}`
    : "—";

export const describeGoal = (goal) =>
  `${goal.on === "ratio" ? "ratio" : "tb"} ${goal.op} ${goal.value}${goal.on === "ratio" ? "x" : ""}${goal.note ? ` (${goal.note})` : ""}`;

const verdict = (goals) => {
  if (goals.length === 0) return "";
  if (goals.some((goal) => goal.pass === false)) return "FAIL";
  if (goals.every((goal) => goal.pass === true)) return "PASS";
  return "—";
};

export function formatTable(results) {
  const header = ["metric", "baseline", "toolbridge", "ratio tb/base", "goals", "ok"];
  const lines = [];
  for (const scenario of results.scenarios) {
    const timing = `${scenario.runs} run${scenario.runs === 1 ? "" : "s"}, ${scenario.seconds.toFixed(1)} s`;
    const state =
      {
        ok: timing,
        partial: `${timing}; ${scenario.reason}`,
      }[scenario.status] ?? `${scenario.status}: ${scenario.reason}`;
    lines.push({ section: `${scenario.name} — ${scenario.title} (${state})` });
    for (const row of scenario.rows) {
      lines.push({
        cells: [
          `  ${row.label}${row.unit ? ` (${row.unit})` : ""}`,
          spread(row.baseline),
          spread(row.toolbridge),
          spread(row.ratio, "x"),
          row.goals.map(describeGoal).join("; "),
          scenario.status === "ok" ? verdict(row.goals) : scenario.status === "partial" ? "—" : scenario.status,
        ],
      });
    }
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.filter((line) => line.cells).map((line) => line.cells[column].length)),
  );
  const render = (cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  const out = [render(header), widths.map((width) => "-".repeat(width)).join("  ")];
  for (const line of lines) out.push(line.section ?? render(line.cells));
  return out.join("\n");
}
