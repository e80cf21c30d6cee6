export { WORKER_ENV, type WorkerConfig, type WorkerHubOptions, type WorkerTlsOptions } from "./config.js";
export { HostWorkers } from "./host-workers.js";
export { WorkerSupervisor } from "./supervisor.js";
export { WorkerConnection, WorkerUnavailable } from "./worker-connection.js";
export { type SupervisedHooks, WorkerHub, type WorkerHubDeps } from "./worker-hub.js";
export { WorkerToolExecutor } from "./worker-tool.js";
