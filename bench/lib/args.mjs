// Command line of bench/run.mjs.
export const USAGE = `usage: node bench/run.mjs [--smoke] [--only <scenario>[,<scenario>]] [--runs N]
                         [--compare <baseline.json>] [--json <file>] [--no-json] [--cpu-prof <dir>]
  --smoke     tiny counts, one run per scenario (checks every scenario still works)
  --only      run just these scenarios
  --runs      runs per scenario (default 3, at least 3 outside --smoke)
  --compare   exit 1 when any ratio is more than 10% worse than in that results file
  --json      where to write the results (default bench/results/<timestamp>.json)
  --cpu-prof  write a V8 CPU profile of every measured process into this directory
              (summarize with: node bench/profile-summary.mjs <dir>/*.cpuprofile)`;

export function parseArgs(argv) {
  const options = {
    smoke: false,
    only: undefined,
    runs: undefined,
    compare: undefined,
    json: undefined,
    writeJson: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--smoke") options.smoke = true;
    else if (arg === "--only") options.only = value().split(",");
    else if (arg === "--runs") options.runs = Number.parseInt(value(), 10);
    else if (arg === "--compare") options.compare = value();
    else if (arg === "--json") options.json = value();
    else if (arg === "--no-json") options.writeJson = false;
    else if (arg === "--cpu-prof") options.cpuProfDir = value();
    else if (arg === "--help" || arg === "-h") options.help = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (options.runs !== undefined && !(options.runs >= 1))
    throw new Error(`--runs must be a positive integer\n${USAGE}`);
  if (!options.smoke && options.runs !== undefined && options.runs < 3)
    throw new Error("--runs must be at least 3 (medians of fewer runs are noise); use --smoke for one run");
  return options;
}
