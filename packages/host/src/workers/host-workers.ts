import type { handleBidiStreamingCall } from "@grpc/grpc-js";
import type { HostTlsOptions } from "../security/tls.js";
import type { WorkerConfig, WorkerHubOptions, WorkerTlsOptions } from "./config.js";
import { WorkerSupervisor } from "./supervisor.js";
import { WorkerHub, type WorkerHubDeps } from "./worker-hub.js";
import { supervisedWorkerTls } from "./worker-tls.js";

/**
 * The host's worker support in one object: the hub every worker connects to and,
 * when the host was given worker configs, the supervisor of those processes.
 * createHost builds it before serving, starts it once the address is known and
 * closes it after its own calls have drained.
 */
export class HostWorkers {
  readonly hub: WorkerHub;
  readonly supervisor: WorkerSupervisor | undefined;

  /**
   * `tls.host`: the host's TLS (absent: plaintext); `tls.worker`: the client certificate of supervised
   * workers (HostOptions.workerTls). Throws TypeError when a supervised worker could never connect
   * (supervisedWorkerTls), so the host refuses to start instead.
   */
  constructor(
    deps: WorkerHubDeps,
    configs: readonly WorkerConfig[] = [],
    options: WorkerHubOptions = {},
    tls: { host?: HostTlsOptions | undefined; worker?: WorkerTlsOptions | undefined } = {},
  ) {
    const tlsEnv = supervisedWorkerTls(configs, tls.host, tls.worker);
    this.hub = new WorkerHub(deps, options);
    this.supervisor = configs.length > 0 ? new WorkerSupervisor(this.hub, configs, deps.logger, tlsEnv) : undefined;
  }

  get handler(): handleBidiStreamingCall<unknown, unknown> {
    return this.hub.handler;
  }

  get count(): number {
    return this.hub.workerCount;
  }

  /** Tells workers where to call back; starts the configured processes and waits until they are ready. */
  async start(hostAddress: string): Promise<void> {
    this.hub.hostAddress = hostAddress;
    await this.supervisor?.start(hostAddress);
  }

  /** Drains workers (at most graceMs), stops the processes the host started. */
  async close(graceMs: number): Promise<void> {
    await Promise.all([this.supervisor?.close(graceMs), this.hub.close(graceMs)]);
  }
}
