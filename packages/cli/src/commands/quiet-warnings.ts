/**
 * Over TLS, grpc-js sends the address's host as the TLS server name even when it is an IP
 * address (`--address 127.0.0.1:50051`), and Node warns about that (DEP0123, RFC 6066) on
 * stderr. Verification is unaffected (an IP address is checked against the certificate's IP
 * SANs), so for a CLI user the warning is noise about a library's internals: `tools` and `call`
 * drop this one warning and pass every other on.
 */
export function dropIpServerNameWarning(): void {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const [typeOrOptions, code] = rest;
    const warnedCode =
      typeof typeOrOptions === "object" && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
    if (warnedCode === "DEP0123") return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
