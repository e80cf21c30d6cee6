import {
  Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServiceClientConstructor,
  status,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { addDeferredService } from "./deferred-service.js";
import { addHealth } from "./health.js";

// addHealth and addDeferredService build their services on the first call: these check
// that the services answer, keep their state, and fail cleanly when the build fails.
let server: Server | undefined;
const clients: Client[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  server?.forceShutdown();
  server = undefined;
});

async function listen(setup: (server: Server) => void): Promise<string> {
  server = new Server();
  setup(server);
  const port = await new Promise<number>((resolve, reject) =>
    server?.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

type Callback<T> = (error: (Error & { code?: number }) | null, response: T) => void;
interface HealthClient extends Client {
  Check(request: { service: string }, done: Callback<{ status: string }>): void;
  List(request: object, done: Callback<{ statuses: Record<string, { status: string }> }>): void;
  Watch(request: { service: string }): NodeJS.EventEmitter & { cancel(): void };
}

function healthClient(address: string): HealthClient {
  const pkg = loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String }));
  const Ctor = ((pkg.grpc as GrpcObject).health as GrpcObject).v1 as GrpcObject;
  const client = new (Ctor.Health as ServiceClientConstructor)(address, credentials.createInsecure());
  clients.push(client);
  return client as unknown as HealthClient;
}

const call = <T>(start: (done: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));

describe("grpc.health.v1 built on first use", () => {
  it("answers Check and List with the statuses set before and after its build, and Watch follows them", async () => {
    let health: ReturnType<typeof addHealth> | undefined;
    const address = await listen((s) => {
      health = addHealth(s, { "": "SERVING" });
    });
    health?.setStatus("svc", "NOT_SERVING"); // before the build
    const client = healthClient(address);
    await expect(call<{ status: string }>((done) => client.Check({ service: "svc" }, done))).resolves.toEqual({
      status: "NOT_SERVING",
    });
    const seen: string[] = [];
    const watch = client.Watch({ service: "" });
    const twoUpdates = new Promise<void>((resolve) =>
      watch.on("data", (update: { status: string }) => {
        seen.push(update.status);
        if (seen.length === 2) resolve();
      }),
    );
    watch.on("error", () => {}); // the cancel below ends it with CANCELLED
    await new Promise((resolve) => setTimeout(resolve, 50));
    health?.setStatus("", "NOT_SERVING"); // after the build
    await twoUpdates;
    watch.cancel();
    expect(seen).toEqual(["SERVING", "NOT_SERVING"]);
    const list = await call<{ statuses: Record<string, { status: string }> }>((done) => client.List({}, done));
    expect(Object.keys(list.statuses).sort()).toEqual(["", "svc"]);
    await expect(call((done) => client.Check({ service: "other" }, done))).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
  });

  it("answers INTERNAL and warns once, naming the failure, when a service cannot be built; others keep serving", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    onTestFinished(() => {
      process.off("warning", onWarning);
    });
    const address = await listen((s) => {
      addDeferredService(s, "test.Broken", [{ name: "Call", requestStream: false, responseStream: false }], () => {
        throw new Error("no such library");
      });
      addHealth(s, { "": "SERVING" });
    });
    const raw = new Client(address, credentials.createInsecure());
    clients.push(raw);
    const callBroken = () =>
      new Promise<Error & { code?: number }>((resolve) =>
        raw.makeUnaryRequest(
          "/test.Broken/Call",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          (error) => resolve(error as Error & { code?: number }),
        ),
      );
    await callBroken();
    const failure = await callBroken();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    expect(failure.code).toBe(status.INTERNAL);
    expect(warnings.map(String)).toEqual(["Error: cannot build test.Broken: no such library"]);
    const client = healthClient(address);
    await expect(call((done) => client.Check({ service: "" }, done))).resolves.toEqual({ status: "SERVING" });
  });
});
