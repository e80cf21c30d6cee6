// Test helper (not built into dist): a host with the HTTP gateway on free loopback ports, and fetch helpers.
import { createHost, type Host, type HostOptions } from "../host.js";

/** A fetch Response whose json() is loosely typed: tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions check the shape
export type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

export interface GatewayHost {
  host: Host;
  /** "http://127.0.0.1:port" */
  url: string;
  /** fetch against the gateway; a JSON body is serialized with its content type. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  /** Creates a session and returns its id. */
  session(id?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startGatewayHost(options: HostOptions = {}): Promise<GatewayHost> {
  const host = await createHost({ port: 0, host: "127.0.0.1", httpPort: 0, logLevel: "silent", ...options });
  const url = host.httpUrl;
  if (!url) throw new Error("host started without its HTTP gateway");
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> =>
    fetch(url + path, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  let sessions = 0;
  return {
    host,
    url,
    call,
    async session(id = `s${++sessions}-${process.pid}`) {
      const res = await call("POST", "/api/sessions", { session_id: id });
      if (res.status !== 201) throw new Error(`session ${id}: ${res.status} ${await res.text()}`);
      return id;
    },
    stop: () => host.close({ graceMs: 100 }),
  };
}

/** Reads an NDJSON or SSE body to the end as parsed objects. */
export async function readLines(res: JsonResponse): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    return text
      .split("\n\n")
      .filter((event) => event.trim() !== "")
      .map((event) => {
        const fields = Object.fromEntries(
          event.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
        );
        return { event: fields.event, id: fields.id, ...JSON.parse(fields.data ?? "null") };
      });
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
