import { readFileSync } from "node:fs";
import type { Server } from "@grpc/grpc-js";
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { protoPath as healthProtoPath } from "grpc-health-check";

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
 * `grpcurl list` shows both services.
 */
export function addReflection(server: Server): void {
  const definitions: PackageDefinition = {
    ...loadFileDescriptorSetFromBuffer(toolbridgeDescriptorSet()),
    ...loadSync(healthProtoPath),
  };
  new ReflectionService(definitions).addToServer(server);
}
