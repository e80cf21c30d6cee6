import { createRequire } from "node:module";
import type { Server } from "@grpc/grpc-js";
import type * as GrpcHealthCheck from "grpc-health-check";
import { addDeferredService, recordServices } from "./deferred-service.js";

export type ServingStatus = GrpcHealthCheck.ServingStatus;

/** The host's side of grpc.health.v1: statuses it sets; grpc-health-check serves them. */
export interface HealthStatuses {
  setStatus(service: string, status: ServingStatus): void;
}

/**
 * grpc.health.v1.Health (Check, Watch, List) from grpc-health-check, built on its first
 * call: importing that package loads protobufjs and parses health.proto (~50 ms).
 */
export function addHealth(server: Server, initial: Record<string, ServingStatus>): HealthStatuses {
  const statuses = { ...initial };
  let health: GrpcHealthCheck.HealthImplementation | undefined;
  addDeferredService(
    server,
    "grpc.health.v1.Health",
    [
      { name: "Check", requestStream: false, responseStream: false },
      { name: "Watch", requestStream: false, responseStream: true },
      { name: "List", requestStream: false, responseStream: false },
    ],
    () => {
      // require(): the first call needs it synchronously (its request may be deserialized first).
      const { HealthImplementation } = createRequire(import.meta.url)("grpc-health-check") as typeof GrpcHealthCheck;
      const built = new HealthImplementation(statuses);
      health = built;
      return recordServices((recorder) => built.addToServer(recorder));
    },
  );
  return {
    setStatus(service, status) {
      statuses[service] = status;
      health?.setStatus(service, status);
    },
  };
}
