#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { isStaleBundle } from "./bundle-freshness.js";
import { UsageError } from "./usage.js";

/**
 * The `toolbridge` command. Each subcommand lives in its own module, imported
 * only when chosen, so `serve` does not load the client and `tools` does not
 * load the host: startup stays fast.
 */
const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<void>; help: string }> }
> = {
  serve: {
    summary: "start a host (--demo for the demo tools)",
    load: async () => {
      const m = await import("./commands/serve.js");
      return { run: m.serve, help: m.serveHelp };
    },
  },
  tools: {
    summary: "list a session's tools and their arguments",
    load: async () => {
      const m = await import("./commands/tools.js");
      return { run: m.listTools, help: m.toolsHelp };
    },
  },
  call: {
    summary: "call one tool and print its result as JSON",
    load: async () => {
      const m = await import("./commands/call.js");
      return { run: m.callTool, help: m.callHelp };
    },
  },
  demo: {
    summary: "run a host and a client in this process and print a round trip",
    load: async () => {
      const m = await import("./commands/demo.js");
      return { run: m.demo, help: m.demoHelp };
    },
  },
};

const usage = `Usage: toolbridge <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(7)}${command.summary}`)
  .join("\n")}

Run "toolbridge <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] ? commands[rest[0]] : undefined;
    process.stdout.write(`${topic ? (await topic.load()).help : usage}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}\n\n${usage}`);
  const loaded = await command.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${loaded.help}\n`);
    return 0;
  }
  await loaded.run(rest);
  return 0;
}

if (isStaleBundle(import.meta.url)) {
  // A computed specifier, so esbuild leaves tsc's output out of the bundle.
  const unbundled = new URL("./main.js", import.meta.url).href;
  await import(unbundled);
} else {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`toolbridge: ${describeError(error)}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}

/** One line a user can act on: the error type, message and structured details, no stack. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof UsageError) return error.message;
  const code = (error as { code?: unknown }).code;
  const details = (error as { details?: unknown }).details;
  const detailText =
    details && typeof details === "object" && Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : "";
  // Client errors often start with their type already ("calculate: ValidationError: ..."): say it once.
  const label = typeof code === "string" ? code : error.name === "Error" ? "" : error.name;
  const text = error.message.includes(label)
    ? `${error.message}${detailText}`
    : `${label}: ${error.message}${detailText}`;
  return process.env.TOOLBRIDGE_DEBUG ? `${text}\n${error.stack ?? ""}` : text;
}
