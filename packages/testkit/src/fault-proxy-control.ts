import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { assertLoopback, formatHostPort, type HostPort, parseHostPort } from "./address.js";
import { TestkitError, type TestkitErrorCode } from "./errors.js";
import { FaultProxy } from "./fault-proxy.js";
import type { ToxicSpec } from "./toxic.js";

/** One proxy as in a toxiproxy config file, optionally with toxics to start with. */
export interface ProxyConfig {
  readonly name: string;
  readonly upstream: string;
  readonly listen?: string;
  readonly enabled?: boolean;
  readonly toxics?: readonly ToxicSpec[];
}

export interface FaultProxyControlOptions {
  /** Loopback "host:port" of the HTTP control API; default 127.0.0.1:8474 (toxiproxy's port). */
  readonly api?: string;
  readonly proxies?: readonly ProxyConfig[];
}

const MAX_BODY_BYTES = 1 << 20;

const STATUS_BY_CODE: Partial<Record<TestkitErrorCode, number>> = {
  PROXY_NOT_FOUND: 404,
  TOXIC_NOT_FOUND: 404,
  PROXY_EXISTS: 409,
  TOXIC_EXISTS: 409,
  INVALID_ADDRESS: 400,
  INVALID_TOXIC: 400,
  UNKNOWN_TOXIC_TYPE: 400,
  INVALID_CONFIG: 400,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Reply = { status: number; body?: unknown };

/**
 * A set of named fault proxies driven by a toxiproxy-compatible HTTP API, so scripts can use
 * `curl -X POST http://127.0.0.1:8474/proxies/grpc/toxics -d '{"type":"latency",...}'` as with toxiproxy.
 */
export class FaultProxyControl {
  private readonly proxies = new Map<string, FaultProxy>();

  private constructor(
    private readonly server: Server,
    private apiAddress: HostPort,
  ) {}

  static async start(options: FaultProxyControlOptions = {}): Promise<FaultProxyControl> {
    const api = parseHostPort(options.api ?? "127.0.0.1:8474");
    assertLoopback(api);
    const server = createServer();
    const control = new FaultProxyControl(server, api);
    try {
      for (const config of options.proxies ?? []) await control.createProxy(config);
      server.on("request", (request, response) => void control.handle(request, response));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: api.host, port: api.port }, () => resolve());
      });
    } catch (error) {
      await control.closeProxies();
      throw error;
    }
    const bound = server.address();
    if (bound && typeof bound === "object") control.apiAddress = { host: api.host, port: bound.port };
    return control;
  }

  /** Base URL of the control API, e.g. "http://127.0.0.1:8474". */
  get url(): string {
    return `http://${formatHostPort(this.apiAddress)}`;
  }

  get all(): FaultProxy[] {
    return [...this.proxies.values()];
  }

  proxy(name: string): FaultProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new TestkitError("PROXY_NOT_FOUND", `proxy "${name}" not found`, { name });
    return proxy;
  }

  async createProxy(config: ProxyConfig): Promise<FaultProxy> {
    const { name, upstream } = config;
    if (typeof name !== "string" || name === "" || name.includes("/") || typeof upstream !== "string") {
      throw new TestkitError("INVALID_CONFIG", "a proxy needs a name (no '/') and an upstream host:port", { config });
    }
    if (this.proxies.has(name)) throw new TestkitError("PROXY_EXISTS", `proxy "${name}" already exists`, { name });
    const proxy = await FaultProxy.start({ name, upstream, listen: config.listen, enabled: config.enabled });
    try {
      for (const toxic of config.toxics ?? []) proxy.addToxic(toxic);
    } catch (error) {
      await proxy.close();
      throw error;
    }
    this.proxies.set(name, proxy);
    return proxy;
  }

  async deleteProxy(name: string): Promise<void> {
    const proxy = this.proxy(name);
    this.proxies.delete(name);
    await proxy.close();
  }

  /** Every proxy enabled and without toxics (toxiproxy's POST /reset). */
  async resetAll(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.reset();
  }

  async close(): Promise<void> {
    await Promise.all([new Promise((resolve) => this.server.close(resolve)), this.closeProxies()]);
  }

  private async closeProxies(): Promise<void> {
    await Promise.all(this.all.map((proxy) => proxy.close()));
    this.proxies.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const body = await readJson(request);
      reply = await this.route(request.method ?? "GET", new URL(request.url ?? "/", "http://x").pathname, body);
    } catch (error) {
      const status =
        error instanceof HttpError
          ? error.status
          : error instanceof TestkitError
            ? (STATUS_BY_CODE[error.code] ?? 500)
            : 500;
      const message = error instanceof Error ? error.message : String(error);
      reply = { status, body: { error: message, status, ...(error instanceof TestkitError && { code: error.code }) } };
    }
    const text = reply.body === undefined ? "" : `${JSON.stringify(reply.body)}\n`;
    response.writeHead(reply.status, text ? { "content-type": "application/json" } : {});
    response.end(text);
  }

  private async route(method: string, path: string, body: unknown): Promise<Reply> {
    const [root, name, sub, toxicName, ...rest] = path.split("/").filter(Boolean).map(decodeURIComponent);
    const route = `${method} /${[root, name && ":name", sub, toxicName && ":toxic"].filter(Boolean).join("/")}`;
    if (rest.length > 0) throw new HttpError(404, `no route for ${method} ${path}`);
    switch (route) {
      case "GET /version":
        return { status: 200, body: { version: "toolbridge-fault-proxy" } };
      case "POST /reset":
        await this.resetAll();
        return { status: 204 };
      case "GET /proxies":
        return { status: 200, body: Object.fromEntries(this.all.map((proxy) => [proxy.name, proxy.describe()])) };
      case "POST /proxies":
        return { status: 201, body: (await this.createProxy(asObject(body) as unknown as ProxyConfig)).describe() };
      case "POST /populate": {
        if (!Array.isArray(body)) throw new HttpError(400, "populate expects an array of proxies");
        const created = [];
        for (const config of body as ProxyConfig[]) {
          if (this.proxies.has(config?.name)) await this.deleteProxy(config.name);
          created.push((await this.createProxy(config)).describe());
        }
        return { status: 201, body: { proxies: created } };
      }
    }
    const proxy = this.proxy(name ?? "");
    switch (route) {
      case "GET /proxies/:name":
        return { status: 200, body: proxy.describe() };
      case "POST /proxies/:name":
      case "PATCH /proxies/:name":
        await this.updateProxy(proxy, asObject(body));
        return { status: 200, body: proxy.describe() };
      case "DELETE /proxies/:name":
        await this.deleteProxy(proxy.name);
        return { status: 204 };
      case "GET /proxies/:name/toxics":
        return { status: 200, body: proxy.toxics };
      case "POST /proxies/:name/toxics":
        return { status: 200, body: proxy.addToxic(asObject(body) as unknown as ToxicSpec) };
      case "GET /proxies/:name/toxics/:toxic":
        return { status: 200, body: proxy.getToxic(toxicName ?? "") };
      case "POST /proxies/:name/toxics/:toxic":
      case "PATCH /proxies/:name/toxics/:toxic":
        return { status: 200, body: proxy.updateToxic(toxicName ?? "", asObject(body)) };
      case "DELETE /proxies/:name/toxics/:toxic":
        proxy.removeToxic(toxicName ?? "");
        return { status: 204 };
    }
    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  private async updateProxy(proxy: FaultProxy, changes: Record<string, unknown>): Promise<void> {
    if (changes.listen !== undefined && changes.listen !== proxy.address) {
      throw new HttpError(400, "a proxy's listen address cannot change; delete and create it instead");
    }
    if (typeof changes.upstream === "string") proxy.upstream = changes.upstream;
    if (changes.enabled === true) await proxy.enable();
    if (changes.enabled === false) await proxy.disable();
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "expected a JSON object body");
  }
  return body as Record<string, unknown>;
}

/** Parses the request body as JSON whatever its content type (curl -d sends form-urlencoded). */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    parts.push(part);
  }
  const text = Buffer.concat(parts).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}
