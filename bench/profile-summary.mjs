// Summarizes V8 CPU profiles written by `npm run bench -- --only … --cpu-prof <dir>`:
// the top functions by self time and, for toolbridge's own code (packages/*), by
// inclusive time, as shares of the process's busy (non-idle) time.
//   node bench/profile-summary.mjs <file.cpuprofile>... [--top 25]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const topIndex = args.indexOf("--top");
const top = topIndex === -1 ? 25 : Number(args.splice(topIndex, 2)[1]);

for (const file of args) summarize(file, JSON.parse(readFileSync(file, "utf8")));

function summarize(file, profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const keyOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || "(anonymous)"}  ${url ? `${shorten(url)}:${lineNumber + 1}` : "(native)"}`;
  };

  const self = new Map();
  const inclusive = new Map();
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const us = profile.timeDeltas[i] ?? 0;
    if (node.callFrame.functionName === "(idle)") continue;
    busyUs += us;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + us);
    // Count each function once per sample, however deep it recurses.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parentOf.get(id)) {
      const key = keyOf(byId.get(id));
      if (!key.includes("packages/") || seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const share = (us) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
  const ownSelf = [...self].filter(([key]) => key.includes("packages/")).reduce((sum, [, us]) => sum + us, 0);
  console.log(
    `\n${file}\n  ${(busyUs / 1000).toFixed(0)} ms busy; self time in toolbridge packages: ${share(ownSelf).trim()}`,
  );
  console.log("  top self time:");
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(us)}  ${key}`);
  console.log("  toolbridge functions by inclusive time:");
  for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(us)}  ${key}`);
}

function shorten(url) {
  const path = url.replace(/^file:\/\//, "");
  const at = path.lastIndexOf("node_modules/");
  if (at !== -1) return path.slice(at + "node_modules/".length);
  const packages = path.indexOf("packages/");
  return packages !== -1 ? path.slice(packages) : path;
}
