import type { ToolSpec } from "@toolbridge/protocol";
import { bindCallArguments, bindCallValues, type EncodedArguments } from "./args.js";
import type { Connection, ToolTarget } from "./connection.js";
import type { CallOptions, ProxyTool } from "./types.js";

/**
 * A remote tool as a function object: callable, with `spec`, `stream`, `call`
 * and `openStream`. The plain call path binds, encodes and sends with nothing
 * in between, since it is the hot path a benchmark compares with raw grpc-js.
 */
export function createProxyTool(connection: Connection, sessionId: string, spec: ToolSpec): ProxyTool {
  const target: ToolTarget = { sessionId, toolId: spec.toolId === "" ? spec.name : spec.toolId, toolName: spec.name };

  // Binding errors (an unencodable argument) reject like every other failure.
  const execute = <T>(input: T, bind: (input: T) => EncodedArguments, options: CallOptions | undefined) => {
    let encoded: EncodedArguments;
    try {
      encoded = bind(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return connection.executeTool(target, encoded, options);
  };
  const bindValues = (values: unknown[]) => bindCallValues(spec, values);

  const tool = (...values: unknown[]) => execute(values, bindValues, undefined);
  Object.defineProperties(tool, {
    name: { value: spec.name },
    spec: { value: spec, enumerable: true },
    stream: {
      value: (...values: unknown[]) => connection.streamTool(target, () => bindValues(values), undefined),
    },
    call: {
      value: (args: unknown, options?: CallOptions) => execute(args, bindCallArguments, options),
    },
    openStream: {
      value: (args: unknown, options?: CallOptions) =>
        connection.streamTool(target, () => bindCallArguments(args), options),
    },
  });
  return tool as unknown as ProxyTool;
}
