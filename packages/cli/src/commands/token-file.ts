import { UsageError } from "../usage.js";

// The bearer-token table of `serve --auth-tokens FILE`: token → principal, as HostOptions.auth.tokens.
// Tokens are secrets: no message here quotes one (or a parser message that might), only line numbers
// and principals.

/** The host's bearerTokens() refuses shorter tokens; said here with the line it is on. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Parses a token file. Two formats:
 * - lines of `TOKEN PRINCIPAL` (blank lines and `#` comments ignored);
 * - a JSON object `{"TOKEN": "PRINCIPAL", ...}` (a file starting with `{` or `[` is JSON).
 * `source` prefixes every error, e.g. `serve: --auth-tokens tokens.txt`.
 */
export function parseTokenFile(text: string, source: string): Record<string, string> {
  const tokens = /^\s*[[{]/.test(text) ? jsonTokens(text, source) : lineTokens(text, source);
  if (Object.keys(tokens).length === 0) throw new UsageError(`${source}: no tokens in the file`);
  return tokens;
}

function lineTokens(text: string, source: string): Record<string, string> {
  const tokens: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = `${source}: line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new UsageError(`${at}: expected "TOKEN PRINCIPAL" (two words), found ${fields.length} words`);
    }
    const [token, principal] = fields as [string, string];
    checkToken(token, at);
    const earlier = lineOf.get(token);
    if (earlier !== undefined) throw new UsageError(`${at}: the same token as line ${earlier}`);
    lineOf.set(token, index + 1);
    tokens[token] = principal;
  });
  return tokens;
}

function jsonTokens(text: string, source: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the text around the error (a token): give only where it is.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = position === undefined ? "" : ` at line ${lineAt(text, Number(position))}`;
    throw new UsageError(`${source}: not valid JSON${where}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${source}: expected a JSON object {"TOKEN": "PRINCIPAL", ...}`);
  }
  const tokens: Record<string, string> = {};
  Object.entries(parsed).forEach(([token, principal], index) => {
    const quoted = text.indexOf(JSON.stringify(token));
    const at = quoted < 0 ? `${source}: entry ${index + 1}` : `${source}: line ${lineAt(text, quoted)}`;
    if (typeof principal !== "string" || principal.trim() === "") {
      throw new UsageError(`${at}: the principal must be a non-empty string`);
    }
    checkToken(token, at);
    tokens[token] = principal;
  });
  return tokens;
}

function checkToken(token: string, at: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`${at}: the token is shorter than ${MIN_TOKEN_LENGTH} characters`);
  }
  // It travels as `authorization: Bearer TOKEN`: a metadata value, printable ASCII without spaces.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`${at}: the token may hold printable ASCII characters only, no spaces`);
  }
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}
