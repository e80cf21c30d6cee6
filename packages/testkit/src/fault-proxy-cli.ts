#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { TestkitError } from "./errors.js";
import { FaultProxyControl, type ProxyConfig } from "./fault-proxy-control.js";

const USAGE = `usage: toolbridge-fault-proxy [--api HOST:PORT] [--config FILE] [--proxy NAME=UPSTREAM[@LISTEN]]...

Runs TCP fault proxies with toxiproxy's toxics and a toxiproxy-compatible HTTP API.
  --api HOST:PORT     control API address (loopback only; default 127.0.0.1:8474, port 0 = any free port)
  --config FILE       toxiproxy config: a JSON array of {name, upstream, listen?, enabled?, toxics?}
  --proxy SPEC        NAME=UPSTREAM[@LISTEN], e.g. grpc=127.0.0.1:50051@127.0.0.1:50052 (LISTEN defaults to 127.0.0.1:0)
Prints one line "fault-proxy listening api=http://HOST:PORT NAME=LISTEN->UPSTREAM ..." when ready.
Stops on SIGINT or SIGTERM.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: "string", default: "127.0.0.1:8474" },
      config: { type: "string" },
      proxy: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const proxies = [...(values.config ? await readConfig(values.config) : []), ...values.proxy.map(parseProxyFlag)];
  const control = await FaultProxyControl.start({ api: values.api, proxies });
  const described = control.all.map((proxy) => ` ${proxy.name}=${proxy.address}->${proxy.upstream}`);
  process.stdout.write(`fault-proxy listening api=${control.url}${described.join("")}\n`);
  const stop = () => void control.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function parseProxyFlag(flag: string): ProxyConfig {
  const match = /^([^=/]+)=([^@]+)(?:@(.+))?$/.exec(flag);
  if (!match) throw new TestkitError("INVALID_CONFIG", `--proxy expects NAME=UPSTREAM[@LISTEN], got "${flag}"`);
  const [, name = "", upstream = "", listen] = match;
  return listen === undefined ? { name, upstream } : { name, upstream, listen };
}

async function readConfig(path: string): Promise<ProxyConfig[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new TestkitError(
      "INVALID_CONFIG",
      `cannot read config ${path}: ${(error as Error).message}`,
      { path },
      {
        cause: error,
      },
    );
  }
  if (!Array.isArray(parsed)) throw new TestkitError("INVALID_CONFIG", `config ${path} must be a JSON array`, { path });
  return parsed as ProxyConfig[];
}

main().catch((error: unknown) => {
  const code = error instanceof TestkitError ? `${error.code}: ` : "";
  process.stderr.write(`toolbridge-fault-proxy: ${code}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
