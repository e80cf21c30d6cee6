import { create } from "@bufbuild/protobuf";
import { StreamToolRequestSchema, type StreamToolResponse } from "@toolbridge/protocol";
import { encodeArguments, invalidValues } from "../arguments.js";
import { HttpCallContext } from "../call-context.js";
import { HttpProblem, problemFromError, problemFromInfo } from "../problem.js";
import type { GatewayDeps, GatewayRoute } from "../route.js";
import { EXECUTE_BODY, STREAM_QUERY, TOOL_PARAMS } from "../schemas.js";
import { CONTENT_TYPES, chunkJson, frame, type StreamFormat, streamFormat, writable } from "../stream-format.js";

interface StreamInput {
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  request_id?: string;
  timeout_ms?: number;
  context?: Record<string, string>;
}

const QUERY_OPTIONS = new Set(["args", "kwargs", "request_id", "timeout_ms"]);

/**
 * GET takes its arguments from the query string: `args` and `kwargs` as JSON,
 * and any other parameter as one keyword argument, read as JSON when it parses
 * (count=5 is the int 5) and as a string otherwise (query=cats).
 */
function inputFromQuery(query: Record<string, string | number>): StreamInput {
  const input: StreamInput = {};
  const kwargs: Record<string, unknown> = {};
  const bad: { field: string; description: string }[] = [];
  if (query.args !== undefined) {
    const args = parseJson(String(query.args));
    if (Array.isArray(args)) input.args = args;
    else bad.push({ field: "query.args", description: "must be a JSON array" });
  }
  if (query.kwargs !== undefined) {
    const parsed = parseJson(String(query.kwargs));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) Object.assign(kwargs, parsed);
    else bad.push({ field: "query.kwargs", description: "must be a JSON object" });
  }
  if (bad.length > 0) throw invalidValues(bad);
  for (const [name, value] of Object.entries(query)) {
    if (QUERY_OPTIONS.has(name)) continue;
    const parsed = parseJson(String(value));
    kwargs[name] = parsed === undefined ? String(value) : parsed;
  }
  input.kwargs = kwargs;
  if (query.request_id !== undefined) input.request_id = String(query.request_id);
  if (query.timeout_ms !== undefined) input.timeout_ms = Number(query.timeout_ms);
  return input;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function streamRoutes({ core }: GatewayDeps): GatewayRoute[] {
  const handler: GatewayRoute["handler"] = async (request, reply) => {
    const { id, tool } = request.params as { id: string; tool: string };
    const input =
      request.method === "GET"
        ? inputFromQuery(request.query as Record<string, string>)
        : ((request.body ?? {}) as StreamInput);
    const { args, kwargs } = encodeArguments(input.args, input.kwargs);
    const cc = new HttpCallContext(reply.raw);
    const iterator = core
      .streamTool(
        create(StreamToolRequestSchema, {
          sessionId: id,
          toolId: tool,
          args,
          kwargs,
          requestId: input.request_id ?? "",
          timeoutMs: input.timeout_ms ?? 0,
          context: input.context ?? {},
        }),
        cc,
      )
      [Symbol.asyncIterator]();
    // Nothing is sent until the first chunk: a call that fails before producing
    // anything (unknown session or tool, bad arguments) gets a proper status.
    const first = await iterator.next();
    if (first.done) throw new Error(`stream of ${tool} ended without a complete or error chunk`);
    if (first.value.content.case === "error")
      throw new HttpProblem(problemFromInfo(first.value.content.value, request.url));
    const format = streamFormat(request.headers.accept);
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": CONTENT_TYPES[format],
      "cache-control": "no-cache",
      "x-stream-id": first.value.streamId,
    });
    await pump(reply.raw, format, first.value, iterator, cc, request.url);
    return reply;
  };
  const description =
    "NDJSON by default, Server-Sent Events with `Accept: text/event-stream`. One object per chunk " +
    "({type: data, sequence, data}), ending with a `complete` object (or an `error` one carrying a problem). " +
    "Closing the connection cancels the tool.";
  const responses: GatewayRoute["responses"] = {
    "200": {
      description: "The chunks, one per line (NDJSON) or per event (SSE)",
      contentTypes: ["application/x-ndjson", "text/event-stream"],
      schema: () => ({
        type: "object",
        properties: {
          type: { type: "string", enum: ["data", "metadata", "complete", "error"] },
          sequence: { type: "integer" },
        },
      }),
    },
  };
  return [
    {
      method: "GET",
      url: "/api/sessions/:id/tools/:tool/stream",
      summary: "Stream a tool's chunks; arguments in the query string",
      description: `${description} \`args\` and \`kwargs\` are JSON; any other parameter is one keyword argument, read as JSON when it parses (count=5 is the int 5) and as a string otherwise (query=cats).`,
      schema: { params: TOOL_PARAMS, querystring: STREAM_QUERY },
      responses,
      handler,
    },
    {
      method: "POST",
      url: "/api/sessions/:id/tools/:tool/stream",
      summary: "Stream a tool's chunks; arguments in the body, as for execute",
      description,
      schema: { params: TOOL_PARAMS, body: EXECUTE_BODY },
      responses,
      handler,
    },
  ];
}

/**
 * Writes chunks as they come, waiting for the socket to drain (a slow reader
 * pauses the tool). If the client leaves, its CallContext cancels the call: the
 * tool's signal fires and the pending next() rejects, which ends the loop.
 */
async function pump(
  res: import("node:http").ServerResponse,
  format: StreamFormat,
  first: StreamToolResponse,
  iterator: AsyncIterator<StreamToolResponse>,
  cc: HttpCallContext,
  instance: string,
): Promise<void> {
  let chunk = first;
  let finished = false;
  try {
    for (;;) {
      if (cc.clientGone) return;
      const room = res.write(frame(format, chunkJson(chunk)));
      const kind = chunk.content.case;
      if (kind === "complete" || kind === "error") {
        finished = true;
        return;
      }
      if (!room) await writable(res);
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        return;
      }
      chunk = next.value;
    }
  } catch (error) {
    finished = true;
    if (!cc.clientGone) {
      res.write(frame(format, { type: "error", error: problemFromError(error, instance) as never }));
    }
  } finally {
    if (!finished) iterator.return?.().catch(() => {});
    if (!res.writableEnded) res.end();
  }
}
