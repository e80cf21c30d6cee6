// @toolbridge/client/worker: serve tools declared with defineTool from a worker process.
export {
  tlsFromEnvironment,
  WORKER_CLIENT_CERT_ENV,
  WORKER_CLIENT_KEY_ENV,
  WORKER_HOST_CA_ENV,
} from "./environment-tls.js";
export { watchParent } from "./lifeline.js";
export {
  type ServeWorkerOptions,
  serveWorker,
  WORKER_AUTH_TOKEN_ENV,
  WORKER_HOST_ADDRESS_ENV,
  WORKER_TOKEN_ENV,
  type WorkerHandle,
} from "./serve-worker.js";
export type { WorkerToolContext } from "./worker-context.js";
