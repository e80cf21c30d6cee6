/**
 * Value paths in errors: `$`, `.name` for identifier keys, `["odd key"]` for other
 * string keys, `[3]` for list indices, `[key#2]`/`[#2]` for a non-string map key and
 * its value (entry 2). Python formats them identically (conformance error vectors).
 */
export type PathSegment = string | number | { entry: number; isKey: boolean };

/**
 * Thrown inside the codec; each container it unwinds through prepends its segment,
 * so a path is only built when something fails.
 */
export class PathError extends Error {
  /** Innermost segment first; path() reverses them. */
  readonly segments: PathSegment[] = [];

  /** Records that the failure happened under `segment`; rethrows non-path errors untouched. */
  static under(err: unknown, segment: PathSegment): never {
    if (err instanceof PathError) {
      err.segments.push(segment);
      throw err;
    }
    throw err;
  }

  path(): string {
    return formatPath(this.segments.slice().reverse());
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function formatPath(segments: readonly PathSegment[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string") out += IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
    else out += s.isKey ? `[key#${s.entry}]` : `[#${s.entry}]`;
  }
  return out;
}
