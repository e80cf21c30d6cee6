import { parseArgs } from "node:util";
import { emitTypeScript } from "@toolbridge/client";
import { jsonFromAny } from "@toolbridge/host";
import { type ToolSpec, ToolType } from "@toolbridge/protocol";
import { parseCommandLine, required } from "../usage.js";
import { clientSecurity, clientSecurityFlags, clientSecurityHelp } from "./client-security.js";
import { openSession } from "./session.js";

export const toolsHelp = `Usage: toolbridge tools --address HOST:PORT [--session ID] [--json | --emit-ts]

Lists the tools of a session with their arguments.

Options:
  --address HOST:PORT  the host to ask (required)
  --session ID         create the session under this id and keep it (default: a throwaway
                       session, cleaned up afterwards); an id already in use is refused
  --json               machine-readable output: an array of {name, description, type, arguments}
  --emit-ts            TypeScript type map for typed proxies: new ToolBridge(...).initialize<Map>(...)

${clientSecurityHelp}`;

const options = {
  address: { type: "string" },
  session: { type: "string" },
  json: { type: "boolean" },
  "emit-ts": { type: "boolean" },
  ...clientSecurityFlags,
} as const;

export async function listTools(argv: string[]): Promise<void> {
  const { values } = parseCommandLine("tools", () => parseArgs({ args: argv, options, strict: true }));
  const address = required("tools", "address", values.address);
  const security = clientSecurity("tools", values);
  const session = await openSession(address, values.session, security);
  try {
    const specs = Object.values(session.tools).map((tool) => tool.spec);
    if (values["emit-ts"]) process.stdout.write(emitTypeScript(specs));
    else if (values.json) process.stdout.write(`${JSON.stringify(specs.map(describeTool), null, 2)}\n`);
    else process.stdout.write(formatTools(specs));
  } finally {
    await session.close();
  }
}

export interface ToolDescription {
  name: string;
  description: string;
  type: "standard" | "streaming" | "batch" | "composite" | "unspecified";
  arguments: { name: string; type: string; required: boolean; default?: unknown; description: string }[];
}

export function describeTool(spec: ToolSpec): ToolDescription {
  return {
    name: spec.name,
    description: spec.description,
    type: toolTypeName(spec.type),
    arguments: spec.arguments.map((arg) => ({
      name: arg.name,
      type: arg.type,
      required: arg.required,
      ...(arg.defaultValue ? { default: jsonFromAny(arg.defaultValue) } : {}),
      description: arg.description,
    })),
  };
}

export function formatTools(specs: ToolSpec[]): string {
  if (specs.length === 0) return "(no tools)\n";
  const lines: string[] = [];
  for (const tool of specs.map(describeTool)) {
    lines.push(`${tool.name} (${tool.type})`);
    if (tool.description) lines.push(`  ${tool.description}`);
    for (const arg of tool.arguments) {
      const shape = arg.required
        ? `${arg.type}, required`
        : "default" in arg
          ? `${arg.type} = ${JSON.stringify(arg.default)}`
          : `${arg.type}, optional`;
      lines.push(`  - ${arg.name}: ${shape}${arg.description ? ` — ${arg.description}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function toolTypeName(type: ToolType): ToolDescription["type"] {
  switch (type) {
    case ToolType.STANDARD:
      return "standard";
    case ToolType.STREAMING:
      return "streaming";
    case ToolType.BATCH:
      return "batch";
    case ToolType.COMPOSITE:
      return "composite";
    default:
      return "unspecified";
  }
}
