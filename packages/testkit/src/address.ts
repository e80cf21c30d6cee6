import { isIP } from "node:net";
import { TestkitError } from "./errors.js";

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port" or "[v6]:port"; a bare ":port" means 127.0.0.1. */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new TestkitError("INVALID_ADDRESS", `expected host:port, got "${text}"`, { address: text });
  }
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The proxy and its control API only ever listen on loopback: fault injection is test
 * tooling and must never expose a port beyond this machine.
 */
export function assertLoopback(address: HostPort): void {
  const { host } = address;
  const loopback = host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
  if (!loopback) {
    throw new TestkitError("INVALID_ADDRESS", `refusing to listen on non-loopback host "${host}"`, {
      address: formatHostPort(address),
    });
  }
}
