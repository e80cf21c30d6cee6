/** One kind of worker process the host starts and keeps running. */
export interface WorkerConfig {
  /** Executable to run (e.g. "/usr/bin/python3", "node"). */
  command: string;
  args?: readonly string[];
  /** Processes of this kind (default 1). */
  count?: number;
  /** Added to the host's environment. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Name used in worker ids and logs (default: the command's base name). */
  name?: string;
  /** Recycle a process after it has been given this many calls. */
  maxRequests?: number;
  /** Recycle a process whose resident set grows beyond this. */
  maxRssBytes?: number;
  /** Recycle a process after it has run this long. */
  ttlMs?: number;
  /** Client certificate of these processes, instead of HostOptions.workerTls. */
  tls?: WorkerTlsOptions;
}

/**
 * Client certificate (PEM) supervised workers present to a host with
 * `tls.requireClientCert`; it must chain to `tls.ca`. Handed to each process in
 * its environment (WORKER_ENV.clientCert / clientKey), never on its command line.
 */
export interface WorkerTlsOptions {
  /** Certificate, optionally followed by its intermediates. */
  cert: string | Buffer;
  key: string | Buffer;
}

/** How the host treats connected workers, supervised or not. */
export interface WorkerHubOptions {
  /** Heartbeat interval both ways (2 s). */
  heartbeatIntervalMs?: number;
  /** Heartbeats a side may miss before the other declares it dead (3). */
  missedHeartbeats?: number;
  /** Route a session's calls to the replica that served it before, while it lives (off). */
  sessionAffinity?: boolean;
  /** How long a call waits for a replica when none is connected, e.g. during a restart (5 s). */
  replicaWaitMs?: number;
  /** How long a global worker tool stays listed after its last replica left (10 s). */
  toolGraceMs?: number;
  /** How long a supervised worker may take from spawn to registered tools (30 s). */
  readyTimeoutMs?: number;
  /** How long a draining worker may finish its calls before it is stopped (10 s). */
  drainGraceMs?: number;
  /** Distinct tools workers may register into one session (1,000); more is ResourceExhausted. */
  maxToolsPerSession?: number;
  /** Distinct global tools workers may register (10,000); more is ResourceExhausted. */
  maxGlobalTools?: number;
}

export interface ResolvedHubOptions {
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
  sessionAffinity: boolean;
  replicaWaitMs: number;
  toolGraceMs: number;
  readyTimeoutMs: number;
  drainGraceMs: number;
  maxToolsPerSession: number;
  maxGlobalTools: number;
}

export function resolveHubOptions(options: WorkerHubOptions = {}): ResolvedHubOptions {
  return {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 2_000,
    missedHeartbeats: options.missedHeartbeats ?? 3,
    sessionAffinity: options.sessionAffinity ?? false,
    replicaWaitMs: options.replicaWaitMs ?? 5_000,
    toolGraceMs: options.toolGraceMs ?? 10_000,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    drainGraceMs: options.drainGraceMs ?? 10_000,
    maxToolsPerSession: options.maxToolsPerSession ?? 1_000,
    maxGlobalTools: options.maxGlobalTools ?? 10_000,
  };
}

/** Environment variables a supervised worker receives. */
export const WORKER_ENV = {
  hostAddress: "TOOLBRIDGE_HOST_ADDRESS",
  token: "TOOLBRIDGE_WORKER_TOKEN",
  hostPid: "TOOLBRIDGE_HOST_PID",
  /** PEM of the CA to verify the host's certificate with; set when the host serves TLS. */
  hostCa: "TOOLBRIDGE_HOST_CA",
  /** PEM of the client certificate to present (HostOptions.workerTls or WorkerConfig.tls). */
  clientCert: "TOOLBRIDGE_CLIENT_CERT",
  /** PEM of that certificate's private key. */
  clientKey: "TOOLBRIDGE_CLIENT_KEY",
} as const;
