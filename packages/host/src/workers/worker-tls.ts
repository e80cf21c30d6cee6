import { createPrivateKey, X509Certificate } from "node:crypto";
import { basename } from "node:path";
import type { HostTlsOptions } from "../security/tls.js";
import { WORKER_ENV, type WorkerConfig, type WorkerTlsOptions } from "./config.js";

/** The TLS variables one kind of supervised worker gets in its environment. */
export type WorkerTlsEnv = (config: WorkerConfig) => Readonly<Record<string, string>>;

/**
 * Checks, before the host serves, that every supervised worker will be able to
 * connect, and returns the TLS part of each one's environment: the CA to trust
 * the host with (`tls.ca`, or `tls.cert` when self-signed) and, when configured,
 * its client certificate. Throws TypeError naming the option to fix: a host with
 * `tls.requireClientCert` and a worker without a certificate, a certificate on
 * a plaintext host, a key that does not belong to its certificate, an expired
 * certificate, or one that does not chain to `tls.ca` — each would otherwise
 * leave the worker failing its handshake and being restarted forever.
 */
export function supervisedWorkerTls(
  configs: readonly WorkerConfig[],
  hostTls: HostTlsOptions | undefined,
  workerTls: WorkerTlsOptions | undefined,
): WorkerTlsEnv {
  const hostCa = hostTls ? (hostTls.ca ?? hostTls.cert).toString() : undefined;
  const envs = new Map<WorkerConfig, Record<string, string>>();
  for (const config of configs) {
    const name = config.name ?? basename(config.command);
    const chosen = config.tls ?? workerTls;
    // How the message names the option: the config's own tls, or HostOptions.workerTls.
    const option: OptionName =
      config.tls === undefined ? (part) => `workerTls${part}` : (part) => `tls${part} of worker "${name}"`;
    if (chosen === undefined && hostTls?.requireClientCert) {
      throw new TypeError(
        `refusing to start: tls.requireClientCert is on, so supervised worker "${name}" ` +
          "needs a client certificate. Set HostOptions.workerTls ({ cert, key }, PEM signed by tls.ca) for every " +
          "worker, or tls in that WorkerConfig.",
      );
    }
    if (chosen !== undefined) checkWorkerCertificate(chosen, option, hostTls);
    envs.set(config, {
      ...(hostCa === undefined ? {} : { [WORKER_ENV.hostCa]: hostCa }),
      ...(chosen === undefined
        ? {}
        : { [WORKER_ENV.clientCert]: chosen.cert.toString(), [WORKER_ENV.clientKey]: chosen.key.toString() }),
    });
  }
  return (config) => envs.get(config) ?? {};
}

type OptionName = (part: "" | ".cert" | ".key") => string;

function checkWorkerCertificate(tls: WorkerTlsOptions, option: OptionName, hostTls: HostTlsOptions | undefined): void {
  if (!hostTls) throw new TypeError(`refusing to start: ${option("")} is set but the host serves without tls`);
  const chain = certificates(tls.cert, option(".cert"));
  const leaf = chain[0] as X509Certificate;
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(tls.key);
  } catch (error) {
    throw new TypeError(`refusing to start: ${option(".key")} is not a PEM private key (${(error as Error).message})`);
  }
  if (!leaf.checkPrivateKey(key))
    throw new TypeError(`refusing to start: ${option(".key")} is not the private key of ${option(".cert")}`);
  if (Date.parse(leaf.validTo) <= Date.now())
    throw new TypeError(`refusing to start: ${option(".cert")} expired on ${leaf.validTo}`);
  if (hostTls.ca !== undefined && !chainsTo(chain, certificates(hostTls.ca, "tls.ca"))) {
    throw new TypeError(
      `refusing to start: ${option(".cert")} (${leaf.subject.replace(/\n/g, ", ")}) is not signed by tls.ca, ` +
        "so the host would refuse the worker's connections",
    );
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order. */
function certificates(pem: string | Buffer, option: string): X509Certificate[] {
  const blocks = pem.toString().match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new TypeError(`refusing to start: ${option} holds no PEM certificate`);
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    throw new TypeError(`refusing to start: ${option} is not a valid certificate (${(error as Error).message})`);
  }
}

/** Whether the leaf, through the intermediates sent after it, was signed by one of the CAs. */
function chainsTo(chain: readonly X509Certificate[], cas: readonly X509Certificate[]): boolean {
  const signs = (issuer: X509Certificate, cert: X509Certificate) =>
    cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  let current = chain[0] as X509Certificate;
  // Each step moves to another certificate of the chain, so it ends within chain.length steps.
  for (let step = 0; step < chain.length; step++) {
    if (cas.some((ca) => signs(ca, current))) return true;
    const next = chain.find((cert) => cert !== current && signs(cert, current));
    if (!next) return false;
    current = next;
  }
  return false;
}
