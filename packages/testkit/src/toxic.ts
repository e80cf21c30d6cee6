import { TestkitError } from "./errors.js";

/**
 * Toxic types and attributes follow toxiproxy (https://github.com/Shopify/toxiproxy#toxics), so
 * scripts written for it work here. Units are toxiproxy's: ms, KB/s (1 KB = 1000 bytes), and
 * microseconds for the slicer's delay.
 */
export const TOXIC_ATTRIBUTES = {
  /** Delay every chunk by latency ± jitter ms (measured from when the proxy read it). */
  latency: { latency: 0, jitter: 0 },
  /** Forward at most `rate` KB/s. 0 = unlimited. */
  bandwidth: { rate: 0 },
  /** Hold all data; close the connection after `timeout` ms, or never when 0 (a blackhole). */
  timeout: { timeout: 0 },
  /** Reset (TCP RST) both sides `timeout` ms after activation, or once `bytes` bytes have passed. */
  reset_peer: { timeout: 0, bytes: undefined as number | undefined },
  /** Split data into chunks of average_size ± size_variation bytes, `delay` µs apart. */
  slicer: { average_size: 1, size_variation: 0, delay: 0 },
  /** Close the connection (FIN) once `bytes` bytes have passed. */
  limit_data: { bytes: 0 },
} as const;

export type ToxicType = keyof typeof TOXIC_ATTRIBUTES;
/** upstream = client → server, downstream = server → client (toxiproxy's terms). */
export type ToxicStream = "upstream" | "downstream";

/** What a caller asks for; missing fields take toxiproxy's defaults. */
export interface ToxicSpec {
  readonly name?: string;
  readonly type: string;
  readonly stream?: string;
  /** Probability (0..1) that the toxic applies to a given connection. */
  readonly toxicity?: number;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface Toxic {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: ToxicStream;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

function isToxicType(type: string): type is ToxicType {
  return Object.hasOwn(TOXIC_ATTRIBUTES, type);
}

/** Validates a spec into a complete toxic, or throws INVALID_TOXIC / UNKNOWN_TOXIC_TYPE. */
export function normalizeToxic(spec: ToxicSpec): Toxic {
  if (typeof spec !== "object" || spec === null) {
    throw new TestkitError("INVALID_TOXIC", "a toxic must be an object");
  }
  const { type } = spec;
  if (typeof type !== "string" || !isToxicType(type)) {
    throw new TestkitError("UNKNOWN_TOXIC_TYPE", `unknown toxic type "${String(type)}"`, {
      type,
      known: Object.keys(TOXIC_ATTRIBUTES),
    });
  }
  const stream = spec.stream ?? "downstream";
  if (stream !== "upstream" && stream !== "downstream") {
    throw new TestkitError("INVALID_TOXIC", `stream must be "upstream" or "downstream", got "${String(stream)}"`);
  }
  const toxicity = spec.toxicity ?? 1;
  if (typeof toxicity !== "number" || !(toxicity >= 0 && toxicity <= 1)) {
    throw new TestkitError("INVALID_TOXIC", `toxicity must be a number in [0, 1], got ${String(toxicity)}`);
  }
  const name = spec.name ?? `${type}_${stream}`;
  if (typeof name !== "string" || name === "" || name.includes("/")) {
    throw new TestkitError("INVALID_TOXIC", `invalid toxic name "${String(name)}"`);
  }
  return { name, type, stream, toxicity, attributes: normalizeAttributes(type, spec.attributes ?? {}) };
}

function normalizeAttributes(type: ToxicType, given: Readonly<Record<string, unknown>>): Record<string, number> {
  const defaults: Readonly<Record<string, number | undefined>> = TOXIC_ATTRIBUTES[type];
  const attributes: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    if (fallback !== undefined) attributes[key] = fallback;
  }
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(defaults, key)) {
      throw new TestkitError("INVALID_TOXIC", `${type} has no attribute "${key}"`, {
        type,
        attribute: key,
        known: Object.keys(defaults),
      });
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new TestkitError("INVALID_TOXIC", `${type}.${key} must be a finite number ≥ 0, got ${String(value)}`, {
        type,
        attribute: key,
      });
    }
    attributes[key] = value;
  }
  if (type === "slicer" && !((attributes.average_size ?? 0) >= 1)) {
    throw new TestkitError("INVALID_TOXIC", "slicer.average_size must be ≥ 1", { type });
  }
  return attributes;
}
