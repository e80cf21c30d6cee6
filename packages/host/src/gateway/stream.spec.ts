// Issue 10: streaming over HTTP as NDJSON and SSE, and a client that leaves cancels the tool.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { deferred } from "../testing/deferred.js";
import { type GatewayHost, readLines, startGatewayHost } from "../testing/gateway.js";
import { defineTool } from "../tool/define-tool.js";

let gw: GatewayHost;
let id: string;
const aborted = deferred<string>();
const finished = deferred();

const tools = [
  defineTool({
    name: "ticks",
    input: z.object({ count: z.number().int(), label: z.string().default("t") }),
    async *handler({ count, label }) {
      for (let i = 0; i < count; i++) yield { i, label, big: 2n ** 60n + BigInt(i) };
    },
  }),
  defineTool({
    name: "hang",
    input: z.object({}),
    async *handler(_args, ctx) {
      try {
        yield "first";
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            aborted.resolve(String((ctx.signal.reason as Error)?.message));
            resolve();
          });
        });
      } finally {
        finished.resolve();
      }
    },
  }),
  defineTool({
    name: "breaks",
    input: z.object({}),
    async *handler() {
      yield 1;
      throw new TypeError("broke after one");
    },
  }),
];

beforeAll(async () => {
  gw = await startGatewayHost({ tools });
  id = await gw.session();
});
afterAll(() => gw.stop());

const path = (tool: string, query = "") => `/api/sessions/${id}/tools/${tool}/stream${query}`;

describe("GET|POST /api/sessions/:id/tools/:tool/stream", () => {
  it("streams NDJSON by default: one chunk per line, then complete", async () => {
    const res = await gw.call("POST", path("ticks"), { kwargs: { count: 3 } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = await readLines(res);
    expect(lines.map((l) => l.type)).toEqual(["data", "data", "data", "complete"]);
    expect(lines.map((l) => l.sequence)).toEqual([0, 1, 2, 3]);
    expect(lines[1]?.data).toEqual({ i: 1, label: "t", big: { $int: "1152921504606846977" } });
    expect(lines[3]).toMatchObject({ total_chunks: 3, stream_id: res.headers.get("x-stream-id") });
  });

  it("streams Server-Sent Events when asked for text/event-stream", async () => {
    const res = await gw.call("POST", path("ticks"), { kwargs: { count: 2 } }, { accept: "text/event-stream" });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readLines(res);
    expect(events.map((e) => e.event)).toEqual(["data", "data", "complete"]);
    expect(events.map((e) => e.id)).toEqual(["0", "1", "2"]);
    expect(events[0]?.data).toMatchObject({ i: 0 });
  });

  it("takes GET arguments from the query string", async () => {
    const res = await gw.call("GET", path("ticks", "?count=2&label=cats"));
    const lines = await readLines(res);
    expect(lines.map((l) => l.type)).toEqual(["data", "data", "complete"]);
    expect(lines[0]?.data).toMatchObject({ label: "cats" });
    const json = await readLines(await gw.call("GET", path("ticks", `?kwargs=${encodeURIComponent('{"count":1}')}`)));
    expect(json).toHaveLength(2);
  });

  it("answers problem+json before streaming when the call cannot start", async () => {
    const unknown = await gw.call("GET", path("nope"));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error_type).toBe("ToolNotFound");
    const invalid = await gw.call("GET", path("ticks", "?count=lots"));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).field_violations[0].field).toBe("count");
    const noSession = await gw.call("GET", `/api/sessions/none/tools/ticks/stream?count=1`);
    expect(noSession.status).toBe(404);
  });

  it("ends with an error line when the tool fails mid-stream", async () => {
    const lines = await readLines(await gw.call("POST", path("breaks"), {}));
    expect(lines.map((l) => l.type)).toEqual(["data", "error"]);
    expect(lines[1]?.error).toMatchObject({ error_type: "TypeError", detail: "broke after one", status: 500 });
  });

  it("stops the tool when the client goes away", async () => {
    const controller = new AbortController();
    const res = await fetch(gw.url + path("hang"), { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"first"');
    controller.abort();
    expect(await aborted.promise).toContain("cancelled");
    await finished.promise;
  });

  it("ends open streams with an Unavailable error line when the host shuts down", async () => {
    const other = await startGatewayHost({
      tools: [
        defineTool({
          name: "forever",
          input: z.object({}),
          async *handler(_args, ctx) {
            yield "first";
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          },
        }),
      ],
    });
    const session = await other.session();
    const res = await fetch(`${other.url}/api/sessions/${session}/tools/forever/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const closing = other.stop();
    let rest = "";
    for (let part = await reader.read(); !part.done; part = await reader.read())
      rest += new TextDecoder().decode(part.value);
    await closing;
    const last = JSON.parse(rest.trim().split("\n").at(-1) as string);
    expect(last).toMatchObject({ type: "error", error: { error_type: "Unavailable", status: 503 } });
  });
});
