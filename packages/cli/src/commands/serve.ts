import { parseArgs } from "node:util";
import { createHost, type HostLlmOptions } from "@toolbridge/host";
import { demoTools } from "../demo/index.js";
import { stderrLogger } from "../logger.js";
import { parseCommandLine, parsePort, UsageError } from "../usage.js";
import { serveLimitFlags, serveLimits, serveLimitsHelp } from "./serve-limits.js";
import { serveSecurity, serveSecurityFlags, serveSecurityHelp } from "./serve-security.js";

export const serveHelp = `Usage: toolbridge serve [--demo] [options]

Starts a toolbridge host and prints one line when it accepts calls:
  toolbridge listening on HOST:PORT

Options:
  --demo                 host the five demo tools (calculate, search_web, stream_data, echo, process)
  --port N               gRPC port (default 50051; 0 picks a free port)
  --host ADDR            address to bind (default 127.0.0.1)
  --http-port N          also serve the HTTP/JSON gateway on this port (0 picks a free one);
                         prints a second line: toolbridge http gateway listening on http://HOST:PORT
                         (https:// with --tls-cert)
  --store URL            memory (default) or redis://HOST:PORT[/DB]: hosts sharing a Redis share sessions
  --cluster-secret S     with a redis store: the secret (32+ characters, the same on every host) that signs
                         calls hosts forward to each other (default: $TOOLBRIDGE_CLUSTER_SECRET)
  --llm PROVIDER         LLM for agents: scripted (a deterministic test double) or openai
  --llm-base-url URL     base URL of an OpenAI-compatible server (with --llm openai)
  --llm-model NAME       model name (with --llm openai)
  --llm-api-key-env VAR  environment variable holding the API key (default OPENAI_API_KEY)
  --debug                debug logs, and stack traces in tool errors

${serveSecurityHelp}

${serveLimitsHelp}

SIGINT or SIGTERM stops the host gracefully; a second signal exits at once.`;

const options = {
  demo: { type: "boolean" },
  port: { type: "string", default: "50051" },
  host: { type: "string", default: "127.0.0.1" },
  "http-port": { type: "string" },
  store: { type: "string" },
  "cluster-secret": { type: "string" },
  llm: { type: "string" },
  "llm-base-url": { type: "string" },
  "llm-model": { type: "string" },
  "llm-api-key-env": { type: "string" },
  debug: { type: "boolean" },
  ...serveSecurityFlags,
  ...serveLimitFlags,
} as const;

export async function serve(argv: string[]): Promise<void> {
  const { values } = parseCommandLine("serve", () => parseArgs({ args: argv, options, strict: true }));
  const port = parsePort("port", values.port);
  const httpPort = values["http-port"] === undefined ? undefined : parsePort("http-port", values["http-port"]);
  const store = storeOption(values.store);
  const clusterSecret = clusterSecretOption(values["cluster-secret"], store);
  const llm = llmOption(values);
  const security = serveSecurity(values, values.host);
  const limits = serveLimits(values);

  // Signal handlers go in before the listening line: a supervisor may send SIGTERM the
  // instant it reads that line, and an unhandled SIGTERM would kill the host uncleanly.
  const stopRequested = onFirstSignal();
  const host = await createHost({
    tools: values.demo ? demoTools() : [],
    port,
    host: values.host,
    debug: values.debug ?? false,
    logger: stderrLogger(values.debug ? "debug" : "info"),
    ...security.options,
    ...limits,
    ...(httpPort === undefined ? {} : { httpPort }),
    ...(store === undefined ? {} : { store }),
    ...(clusterSecret === undefined ? {} : { cluster: { secret: clusterSecret } }),
    ...(llm === undefined ? {} : { llm }),
  }).catch((error: unknown) => {
    throw new Error(`serve: cannot start a host on ${values.host}:${port}: ${(error as Error).message}`, {
      cause: error,
    });
  });
  // Tests and the Python fixtures wait for exactly this line on stdout.
  process.stdout.write(`toolbridge listening on ${host.address}\n`);
  if (host.httpUrl) process.stdout.write(`toolbridge http gateway listening on ${host.httpUrl}\n`);
  for (const warning of security.warnings) host.logger.warn(warning);
  if (llm?.provider === "scripted") host.logger.warn("agents run on the scripted LLM, a deterministic test double");
  await stopRequested;
  await host.close();
}

/** `--store`: "memory" (the default) or a redis:// URL that hosts share sessions through. */
export function storeOption(value: string | undefined): string | undefined {
  if (value === undefined || value === "memory") return undefined;
  if (/^rediss?:\/\//.test(value) && URL.canParse(value)) return value;
  throw new UsageError(`serve: --store must be "memory" or a redis://HOST:PORT[/DB] URL, got ${JSON.stringify(value)}`);
}

/** `--cluster-secret`, else TOOLBRIDGE_CLUSTER_SECRET; only hosts sharing a Redis store forward calls. */
export function clusterSecretOption(
  flag: string | undefined,
  store: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (store === undefined) {
    if (flag !== undefined) throw new UsageError("serve: --cluster-secret needs --store redis://HOST:PORT[/DB]");
    return undefined;
  }
  return flag ?? (env.TOOLBRIDGE_CLUSTER_SECRET || undefined);
}

/** The host's LLM for agents, from the --llm flags. */
export function llmOption(values: {
  llm?: string;
  "llm-base-url"?: string;
  "llm-model"?: string;
  "llm-api-key-env"?: string;
}): HostLlmOptions | undefined {
  const { llm: provider, "llm-base-url": baseUrl, "llm-model": model, "llm-api-key-env": apiKeyEnv } = values;
  if (provider === undefined) {
    const stray = (["llm-base-url", "llm-model", "llm-api-key-env"] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (stray) throw new UsageError(`serve: --${stray} needs --llm openai`);
    return undefined;
  }
  if (provider === "scripted") {
    if (baseUrl ?? model ?? apiKeyEnv) throw new UsageError("serve: --llm scripted takes no --llm-* options");
    return { provider };
  }
  if (provider === "openai") {
    if (baseUrl === undefined || model === undefined) {
      throw new UsageError("serve: --llm openai needs --llm-base-url URL and --llm-model NAME");
    }
    if (!URL.canParse(baseUrl)) throw new UsageError(`serve: --llm-base-url is not a URL: ${JSON.stringify(baseUrl)}`);
    return { provider, baseUrl, model, apiKeyEnv: apiKeyEnv ?? "OPENAI_API_KEY" };
  }
  throw new UsageError(`serve: --llm must be "scripted" or "openai", got ${JSON.stringify(provider)}`);
}

/** Resolves on the first SIGINT/SIGTERM; a second signal exits at once. */
function onFirstSignal(): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`toolbridge: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`toolbridge: ${signal} received, shutting down\n`);
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
