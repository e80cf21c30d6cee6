import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Duplex } from "node:stream";
import { credentials, type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Started, startHost } from "../testing/hosts.js";

const require = createRequire(import.meta.url);
const reflectionProtoDir = join(dirname(require.resolve("@grpc/reflection")), "..", "proto");

function serviceClient(protoFile: string, path: string[], address: string, includeDirs: string[] = []) {
  const pkg = loadPackageDefinition(loadSync(protoFile, { includeDirs, keepCase: true, enums: String }));
  let node: GrpcObject | ServiceClientConstructor = pkg;
  for (const part of path) node = (node as GrpcObject)[part] as GrpcObject;
  const Ctor = node as unknown as ServiceClientConstructor;
  return new Ctor(address, credentials.createInsecure());
}

/** Runs `list` over one reflection version, as grpcurl does. */
function listServices(version: "v1" | "v1alpha", address: string): Promise<string[]> {
  const client = serviceClient(
    join(reflectionProtoDir, "grpc/reflection", version, "reflection.proto"),
    ["grpc", "reflection", version, "ServerReflection"],
    address,
  );
  return new Promise((resolve, reject) => {
    type Response = { list_services_response?: { service: Array<{ name: string }> } };
    const call = (client as unknown as { ServerReflectionInfo(): Duplex }).ServerReflectionInfo();
    call.on("data", (response: Response) => {
      resolve(response.list_services_response?.service.map((s) => s.name) ?? []);
      call.end();
      client.close();
    });
    call.on("error", reject);
    call.write({ list_services: "" });
  });
}

let t: Started;
beforeAll(async () => {
  t = await startHost();
});
afterAll(() => t.stop());

describe("reflection and health", () => {
  it.each(["v1", "v1alpha"] as const)("reflection %s lists BridgeService and Health", async (version) => {
    const services = await listServices(version, t.host.address);
    expect(services).toContain("toolbridge.v1.BridgeService");
    expect(services).toContain("grpc.health.v1.Health");
  });

  it("grpc.health.v1 reports SERVING", async () => {
    const client = serviceClient(healthProtoPath, ["grpc", "health", "v1", "Health"], t.host.address);
    type Check = (req: { service: string }, done: (e: Error | null, r: { status: string }) => void) => void;
    const check = (service: string) =>
      new Promise<{ status: string }>((resolve, reject) =>
        (client as unknown as { Check: Check }).Check({ service }, (e, r) => (e ? reject(e) : resolve(r))),
      );
    expect((await check("")).status).toBe("SERVING");
    expect((await check("toolbridge.v1.BridgeService")).status).toBe("SERVING");
    client.close();
  });

  it("HealthCheck reports SERVING with version and uptime", async () => {
    const health = await t.client.unary("healthCheck", {});
    expect(health.status).toBe(1);
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
