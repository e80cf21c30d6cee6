import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { ErrorInfoSchema, STATUS_DETAILS_KEY, statusWithErrorInfo } from "@toolbridge/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { errorFromInfo, errorFromStatus } from "./error-mapping.js";
import { ProtocolError, ToolBridgeError, ToolCommunicationError, ToolExecutionError } from "./index.js";

// Cross-language parity: for every error type of conformance/error-codes.json, the
// TypeScript client raises the same class (and class family) as the Python client
// (python/toolbridge/failures.py), which this test runs on the very same inputs.

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const TOOL = "parity_tool";

interface ErrorCodeEntry {
  grpc: string;
  grpc_code: number;
  in_response: boolean;
}
const ERROR_CODES = JSON.parse(readFileSync(`${repo}conformance/error-codes.json`, "utf8")) as Record<
  string,
  ErrorCodeEntry
>;

type Case =
  | { id: string; kind: "status"; grpc_code: number; text: string; trailer_b64: string | null }
  | { id: string; kind: "response"; type: string; message: string };

interface Raised {
  cls: string;
  family: string;
  error_type: string;
}

/** Every case both clients map: each type in a status and (if a tool outcome) in a response, each status bare. */
function parityCases(): Case[] {
  const cases: Case[] = [];
  for (const [type, entry] of Object.entries(ERROR_CODES)) {
    const withInfo = statusWithErrorInfo(entry.grpc_code, { type, message: `${type} reported by the host` });
    const trailer = withInfo.metadata?.get(STATUS_DETAILS_KEY)[0] as Buffer;
    cases.push({
      id: `status:${type}`,
      kind: "status",
      grpc_code: entry.grpc_code,
      text: withInfo.details ?? "",
      trailer_b64: trailer.toString("base64"),
    });
    if (entry.in_response) cases.push({ id: `response:${type}`, kind: "response", type, message: "outcome" });
  }
  for (const code of new Set(Object.values(ERROR_CODES).map((entry) => entry.grpc_code))) {
    cases.push({ id: `bare:${status[code]}`, kind: "status", grpc_code: code, text: "boom", trailer_b64: null });
  }
  // A message over the size limit refused by the runtime itself (wording both grpc runtimes use on receive).
  cases.push({
    id: "bare:too-large",
    kind: "status",
    grpc_code: status.RESOURCE_EXHAUSTED,
    text: "Received message larger than max (11534336 vs. 10551296)",
    trailer_b64: null,
  });
  return cases;
}

function typescriptRaises(c: Case): ToolBridgeError {
  if (c.kind === "response")
    return errorFromInfo(create(ErrorInfoSchema, { type: c.type, message: c.message }), { toolName: TOOL });
  const metadata = new Metadata();
  if (c.trailer_b64 !== null) metadata.set(STATUS_DETAILS_KEY, Buffer.from(c.trailer_b64, "base64"));
  const failure: ServiceError = Object.assign(new Error(c.text), { code: c.grpc_code, details: c.text, metadata });
  return errorFromStatus(failure, { toolName: TOOL });
}

function familyOf(error: ToolBridgeError): string {
  for (const cls of [ToolExecutionError, ToolCommunicationError, ProtocolError]) {
    if (error instanceof cls) return cls.name;
  }
  return error.name;
}

/** The stable error-type string: Python's `error_type`; TS `code`. */
function errorTypeOf(error: ToolBridgeError): string {
  return error.errorType;
}

function pythonRaises(cases: Case[]): Record<string, Raised> {
  const run = spawnSync(
    "/usr/bin/python3",
    [fileURLToPath(new URL("./test-support/python_error_classes.py", import.meta.url))],
    {
      input: JSON.stringify({ cases }),
      env: { ...process.env, PYTHONPATH: `${repo}python` },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  if (run.status !== 0) throw new Error(`python_error_classes.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, Raised>;
}

/**
 * The class family each type must have, stated independently of either client:
 * host-reported ErrorInfo types are ToolExecutionError, except the transport
 * types (ToolCommunicationError) and the host's ProtocolError; bare statuses are
 * ToolCommunicationError; a size refusal is the host's MessageTooLarge.
 */
function expectedFamily(c: Case): string {
  if (c.id === "bare:too-large") return "ToolExecutionError";
  if (c.id.startsWith("bare:")) return "ToolCommunicationError";
  const type = c.kind === "response" ? c.type : c.id.slice("status:".length);
  if (["Unavailable", "DeadlineExceeded", "Cancelled"].includes(type)) return "ToolCommunicationError";
  return type === "ProtocolError" ? "ProtocolError" : "ToolExecutionError";
}

const cases = parityCases();
let python: Record<string, Raised>;

beforeAll(() => {
  python = pythonRaises(cases);
});

describe("error parity with the Python client (conformance/error-codes.json)", () => {
  it("covers every error type, in a status and, for tool outcomes, in a response", () => {
    const types = Object.keys(ERROR_CODES);
    expect(types.length).toBeGreaterThanOrEqual(20);
    for (const type of types) expect(cases.map((c) => c.id)).toContain(`status:${type}`);
    expect(Object.keys(python).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s: same class and family as Python", (_, c) => {
    const error = typescriptRaises(c);
    expect(error).toBeInstanceOf(ToolBridgeError);
    expect({ cls: error.name, family: familyOf(error) }).toEqual({
      cls: python[c.id]?.cls,
      family: python[c.id]?.family,
    });
    expect(familyOf(error)).toBe(expectedFamily(c));
  });

  it("reports the same error type for everything the host explains with an ErrorInfo", () => {
    for (const c of cases.filter((x) => !x.id.startsWith("bare:") || x.id === "bare:too-large")) {
      expect({ id: c.id, type: errorTypeOf(typescriptRaises(c)) }).toEqual({
        id: c.id,
        type: python[c.id]?.error_type,
      });
    }
  });

  it("reports the same error type for bare statuses", () => {
    const differences: Record<string, { ts: string; python: string }> = {};
    for (const c of cases.filter((x) => x.id.startsWith("bare:"))) {
      const ts = errorTypeOf(typescriptRaises(c));
      const py = python[c.id]?.error_type ?? "";
      if (ts !== py) differences[c.id] = { ts, python: py };
    }
    expect(differences).toEqual({});
  });
});
