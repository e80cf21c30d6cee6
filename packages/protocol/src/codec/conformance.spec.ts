import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EncodeError, ProtocolError } from "../errors.js";
import { canonical, fromTagged } from "./conformance-notation.js";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";
import { RawExtension } from "./extensions.js";

// The same files python/tests/test_conformance.py runs: a difference between the languages fails one suite.
const DIR = join(import.meta.dirname, "../../../../conformance/values");

interface Case {
  name: string;
  direction: "both" | "decode" | "decode-error" | "encode-error";
  value?: never;
  type_url?: string;
  hex?: string;
  max_depth?: number;
  error?: { type: string; path: string };
}

const cases: (Case & { file: string })[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(DIR, f), "utf8")) as Case[]).map((c) => ({ ...c, file: f })));

const of = (...directions: Case["direction"][]) =>
  cases.filter((c) => directions.includes(c.direction)).map((c) => [`${c.file}: ${c.name}`, c] as const);

const wire = (c: Case) => create(AnySchema, { typeUrl: c.type_url ?? "", value: Buffer.from(c.hex ?? "", "hex") });

describe("conformance vectors", () => {
  it("has at least 80 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(of("both"))("encodes %s", (_, c) => {
    const any = encodeValue(fromTagged(c.value ?? null));
    expect(any.typeUrl).toBe(c.type_url);
    expect(Buffer.from(any.value).toString("hex")).toBe(c.hex);
  });

  it.each(of("both", "decode"))("decodes %s", (_, c) => {
    const decoded = decodeValue(wire(c), { exactFloats: true });
    expect(canonical(decoded)).toStrictEqual(canonical(fromTagged(c.value ?? null)));
  });

  it.each(of("decode-error"))("rejects %s", (_, c) => {
    let caught: unknown;
    try {
      decodeValue(wire(c), c.max_depth ? { maxDepth: c.max_depth } : {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).path).toBe(c.error?.path);
    expect((caught as ProtocolError).code).toBe("ProtocolError");
  });

  it.each(of("encode-error"))("refuses to encode %s", (_, c) => {
    let caught: unknown;
    try {
      encodeValue(fromTagged(c.value ?? null), c.max_depth ? { maxDepth: c.max_depth } : {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EncodeError);
    expect((caught as EncodeError).path).toBe(c.error?.path);
  });

  it("reads Python's {x: 2**62} as the exact bigint and writes it back unchanged", () => {
    const c = cases.find((x) => x.name === "python 2**62 in a dict") as Case;
    const decoded = decodeValue(wire(c)) as { x: bigint };
    expect(decoded.x).toBe(2n ** 62n);
    expect(Buffer.from(encodeValue(decoded).value).toString("hex")).toBe(c.hex);
  });

  it("decodes an unregistered extension to RawExtension", () => {
    const c = cases.find((x) => x.name === "extension") as Case;
    expect(decodeValue(wire(c))).toStrictEqual(new RawExtension("example.Point", new Uint8Array([1, 2])));
  });
});
