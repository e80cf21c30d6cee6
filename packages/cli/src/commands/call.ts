import { parseArgs } from "node:util";
import { ToolType } from "@toolbridge/protocol";
import { jsonFromValue, valueFromJson } from "../json-values.js";
import { parseCommandLine, parseKeyValues, required, UsageError } from "../usage.js";
import { clientSecurity, clientSecurityFlags, clientSecurityHelp } from "./client-security.js";
import { openSession } from "./session.js";

export const callHelp = `Usage: toolbridge call TOOL --address HOST:PORT [--session ID] [--timeout-ms N] [key=value ...]

Calls one tool with keyword arguments and prints its result as JSON. The call
runs in a throwaway session, cleaned up afterwards; --session ID creates the
session under that id instead and keeps it (an id already in use is refused). A value
is parsed as JSON when it is valid JSON (5, true, [1,2], {"a":1}, "\\"quoted\\""),
otherwise taken as a string. A streaming tool prints one JSON line per chunk.

Values use the HTTP gateway's JSON notation (docs/json-values.md): plain JSON
where it is exact, tags where it is not, in arguments and results alike:
{"$int": "9223372036854775807"}, {"$bytes": "AAE="}, {"$ts": "2024-01-02T03:04:05Z"},
{"$float": "2"}, {"$map": [[1, "x"]]}. Output is always valid input.

Examples:
  toolbridge call calculate --address 127.0.0.1:50051 expression="2 + 2"
  toolbridge call search_web --address 127.0.0.1:50051 query="DSPy framework" limit=3
  toolbridge call stream_data --address 127.0.0.1:50051 count=3 size=4
  TOOLBRIDGE_TOKEN=... toolbridge call calculate --address localhost:50051 --tls-ca ca.pem expression="1 + 1"

${clientSecurityHelp}`;

const options = {
  address: { type: "string" },
  session: { type: "string" },
  "timeout-ms": { type: "string" },
  ...clientSecurityFlags,
} as const;

export async function callTool(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine("call", () =>
    parseArgs({ args: argv, options, strict: true, allowPositionals: true }),
  );
  const [toolName, ...words] = positionals;
  if (toolName === undefined) throw new UsageError('call: name the tool to call (see "toolbridge call --help")');
  const address = required("call", "address", values.address);
  const kwargs = Object.fromEntries(
    Object.entries(parseKeyValues(words)).map(([key, json]) => [key, valueFromJson(json, key)]),
  );
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : parseTimeout(values["timeout-ms"]);

  const security = clientSecurity("call", values);
  const session = await openSession(address, values.session, security);
  try {
    const tool = session.tools[toolName];
    if (!tool) {
      const known = Object.keys(session.tools).join(", ") || "none";
      throw new UsageError(`call: the session has no tool named ${JSON.stringify(toolName)} (tools: ${known})`);
    }
    const callOptions = timeoutMs === undefined ? {} : { timeoutMs };
    if (tool.spec.type === ToolType.STREAMING) {
      for await (const chunk of tool.openStream(kwargs, callOptions)) print(chunk, false);
    } else {
      print(await tool.call(kwargs, callOptions), true);
    }
  } finally {
    await session.close();
  }
}

function print(value: unknown, pretty: boolean): void {
  process.stdout.write(`${JSON.stringify(jsonFromValue(value), null, pretty ? 2 : undefined)}\n`);
}

function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw new UsageError(`call: --timeout-ms must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
