import { parseArgs } from "node:util";
import { ToolType } from "@toolbridge/protocol";
import { toPrintableJson } from "../json-output.js";
import { parseCommandLine, parseKeyValues, required, UsageError } from "../usage.js";
import { openSession } from "./session.js";

export const callHelp = `Usage: toolbridge call TOOL --address HOST:PORT [--session ID] [--timeout-ms N] [key=value ...]

Calls one tool with keyword arguments and prints its result as JSON. A value
is parsed as JSON when it is valid JSON (5, true, [1,2], {"a":1}, "\\"quoted\\""),
otherwise taken as a string. A streaming tool prints one JSON line per chunk.

Values JSON cannot hold exactly are printed as strings, with a note on stderr:
int64 beyond 2^53 as a decimal string, bytes as base64, timestamps as ISO 8601.

Examples:
  toolbridge call calculate --address 127.0.0.1:50051 expression="2 + 2"
  toolbridge call search_web --address 127.0.0.1:50051 query="DSPy framework" limit=3
  toolbridge call stream_data --address 127.0.0.1:50051 count=3 size=4`;

const options = {
  address: { type: "string" },
  session: { type: "string" },
  "timeout-ms": { type: "string" },
} as const;

export async function callTool(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine("call", () =>
    parseArgs({ args: argv, options, strict: true, allowPositionals: true }),
  );
  const [toolName, ...words] = positionals;
  if (toolName === undefined) throw new UsageError('call: name the tool to call (see "toolbridge call --help")');
  const address = required("call", "address", values.address);
  const kwargs = parseKeyValues(words);
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : parseTimeout(values["timeout-ms"]);

  const session = await openSession(address, values.session);
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

/** Notes already shown: a stream of 1000 bytes chunks gets one "bytes printed as base64" note, not 1000. */
const shownNotes = new Set<string>();

function print(value: unknown, pretty: boolean): void {
  const { json, notes } = toPrintableJson(value);
  for (const note of notes) {
    if (shownNotes.has(note)) continue;
    shownNotes.add(note);
    process.stderr.write(`note: ${note}\n`);
  }
  process.stdout.write(`${JSON.stringify(json, null, pretty ? 2 : undefined)}\n`);
}

function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw new UsageError(`call: --timeout-ms must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
