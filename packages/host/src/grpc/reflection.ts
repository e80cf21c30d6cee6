import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server } from "@grpc/grpc-js";
import type * as ProtoLoader from "@grpc/proto-loader";
import type * as GrpcReflection from "@grpc/reflection";
import { addDeferredService, type BuiltMethods, recordServices } from "./deferred-service.js";

/**
 * The descriptor set `npm run generate` writes (buf build) for toolbridge.v1.
 * From src/grpc or dist/grpc, "../../../protocol" is @toolbridge/protocol both in
 * this repository (packages/*) and when installed (node_modules/@toolbridge/*).
 */
function toolbridgeDescriptorSet(): Buffer {
  return readFileSync(new URL("../../../protocol/descriptor/toolbridge.binpb", import.meta.url));
}

/**
 * Server reflection (v1 and v1alpha) over toolbridge.v1 plus grpc.health.v1, so
 * `grpcurl list` shows both services. Building @grpc/reflection's service decodes the
 * whole descriptor set and parses three .proto files: ~130 ms, more than the rest of a
 * host's start. So both services are registered now (reflection answers the moment the
 * host listens) and built on their first use.
 */
export function addReflection(server: Server): void {
  // Read now: a missing descriptor set fails createHost, not the first reflection call.
  const descriptorSet = toolbridgeDescriptorSet();
  let built: BuiltMethods | undefined;
  for (const version of ["v1", "v1alpha"]) {
    addDeferredService(
      server,
      `grpc.reflection.${version}.ServerReflection`,
      [{ name: "ServerReflectionInfo", requestStream: true, responseStream: true }],
      () => {
        built ??= buildReflection(descriptorSet);
        return built;
      },
    );
  }
}

/** @grpc/reflection's services (both versions) over toolbridge.v1 and grpc.health.v1. */
function buildReflection(descriptorSet: Buffer): BuiltMethods {
  // require(): the first call needs them synchronously (a message may be deserialized first).
  const require = createRequire(import.meta.url);
  const { loadFileDescriptorSetFromBuffer, loadSync } = require("@grpc/proto-loader") as typeof ProtoLoader;
  const { ReflectionService } = require("@grpc/reflection") as typeof GrpcReflection;
  const { protoPath: healthProtoPath } = require("grpc-health-check") as { protoPath: string };
  const definitions: ProtoLoader.PackageDefinition = {
    ...loadFileDescriptorSetFromBuffer(descriptorSet),
    ...loadSync(healthProtoPath),
  };
  const reflection = new ReflectionService(definitions);
  return recordServices((recorder) => reflection.addToServer(recorder));
}
