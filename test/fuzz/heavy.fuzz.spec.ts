import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { createHost, type Host } from "@toolbridge/host";
import {
  ExecuteToolResponseSchema,
  encodeValue,
  SetVariableRequestSchema,
  WatchVariablesRequestSchema,
} from "@toolbridge/protocol";
import { waitFor } from "@toolbridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { countingTools, ToolCounter } from "../reliability/counting-tools.js";
import { unclear } from "./outcome.js";
import { anyBytes, bytesField, concat, hugeMapValue, nestedListValue, VALUE_URL } from "./proto-bytes.js";
import { RawWireClient, type WireOutcome } from "./raw-wire.js";

// The heavy hostile inputs, each sent a few times: 10k-deep values, huge maps,
// 100k-item batches, oversized messages and thousands of watchers. Each must get
// a precise error (which one is asserted), and the host must stay healthy.

const SESSION = "heavy-session";
const LIMIT = 1024 * 1024;
let host: Host;
let wire: RawWireClient;
const counter = new ToolCounter();

beforeAll(async () => {
  host = await createHost({
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    tools: countingTools(counter),
    maxMessageBytes: LIMIT,
  });
  wire = new RawWireClient(host.address);
  const init = await wire.unary("InitializeSession", bytesField(1, SESSION));
  expect(init.ok).toBe(true);
});

afterAll(async () => {
  wire.close();
  await host.close({ graceMs: 100 });
});

afterEach(async () => {
  expect(await wire.unary("HealthCheck", new Uint8Array(), 2000)).toMatchObject({ ok: true });
});

const session = bytesField(1, SESSION);

/** ExecuteTool echo(value=<Value bytes>). */
function echoFrame(value: Uint8Array): Uint8Array {
  return concat([
    session,
    bytesField(2, "echo"),
    bytesField(4, concat([bytesField(1, "value"), bytesField(2, anyBytes(VALUE_URL, value))])),
  ]);
}

/** The ErrorInfo type of a failed ExecuteTool: from the response (tool outcome) or the status. */
function executeErrorType(outcome: WireOutcome): string {
  if (!outcome.ok) {
    expect(unclear(outcome)).toBeUndefined();
    return outcome.info?.type ?? `status ${outcome.code}`;
  }
  const response = fromBinary(ExecuteToolResponseSchema, outcome.last ?? new Uint8Array());
  expect(response.success).toBe(false);
  expect(response.error?.message ?? "").not.toMatch(/\n\s+at /);
  return response.error?.type ?? "";
}

describe("heavy hostile inputs", () => {
  it("a value nested 10,000 levels deep: ValidationError, as argument and as variable", async () => {
    const deep = nestedListValue(10_000);
    for (let i = 0; i < 3; i++) {
      expect(executeErrorType(await wire.unary("ExecuteTool", echoFrame(deep)))).toMatch(
        /^(ValidationError|InvalidArgument)$/,
      );
    }
    const set = await wire.unary(
      "SetVariable",
      concat([session, bytesField(2, "deep"), bytesField(3, anyBytes(VALUE_URL, deep))]),
    );
    expect(set).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect(unclear(set)).toBeUndefined();
  });

  it("a map of 60,000 entries is decoded without trouble (within the size limit) and one over it is refused", async () => {
    const big = await wire.unary("ExecuteTool", echoFrame(hugeMapValue(60_000)));
    expect(big.ok).toBe(true);
    const response = fromBinary(ExecuteToolResponseSchema, (big as { last: Buffer }).last);
    expect(response.success).toBe(true);
    const over = await wire.unary("ExecuteTool", echoFrame(hugeMapValue(120_000)));
    expect(over).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, info: { type: "MessageTooLarge" } });
  });

  it("a batch of 100,000 items: InvalidArgument naming the item limit, no item runs", async () => {
    const item = bytesField(2, bytesField(1, "echo"));
    const frame = concat([session, ...Array.from({ length: 100_000 }, () => item)]);
    expect(frame.byteLength).toBeLessThan(LIMIT);
    const runsBefore = counter.total("echo");
    const outcome = await wire.unary("BatchExecuteTools", frame);
    expect(outcome).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, info: { type: "InvalidArgument" } });
    expect((outcome as { details: string }).details).toMatch(/100/);
    expect(counter.total("echo")).toBe(runsBefore);
  });

  it("oversized messages: MessageTooLarge with ErrorInfo up to 4x the limit, grpc-js's refusal beyond", async () => {
    const payload = (bytes: number) =>
      concat([
        session,
        bytesField(2, "slow"),
        bytesField(3, anyBytes(VALUE_URL, bytesField(6, new Uint8Array(bytes)))),
      ]);
    const over = await wire.unary("ExecuteTool", payload(LIMIT + 10));
    expect(over).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, info: { type: "MessageTooLarge" } });
    const far = await wire.unary("ExecuteTool", payload(LIMIT * 5));
    expect(far).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    expect(unclear(far)).toBeUndefined();
    const stream = await wire.serverStream("StreamTool", payload(LIMIT + 10));
    expect(stream).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, info: { type: "MessageTooLarge" } });
  });

  it("thousands of watchers on one session: the first 1,000 open, the rest get ResourceExhausted", async () => {
    const frame = toBinary(
      WatchVariablesRequestSchema,
      create(WatchVariablesRequestSchema, { sessionId: SESSION, prefix: "" }),
    );
    // Five connections of 500 watch streams each (one HTTP/2 connection is not meant to carry thousands).
    const clients = Array.from({ length: 5 }, () => new RawWireClient(host.address));
    try {
      let refused = 0;
      const streams = Array.from({ length: 2500 }, (_, i) =>
        (clients[i % clients.length] as RawWireClient).serverStream("WatchVariables", frame, 30_000, 1).then((o) => {
          if (!o.ok) refused++;
          return o;
        }),
      );
      await waitFor(() => refused >= 1500, { timeoutMs: 20_000, message: "1,500 refusals" });
      // A write wakes every open watcher: each gets one change and is then cancelled by its reader.
      const set = toBinary(
        SetVariableRequestSchema,
        create(SetVariableRequestSchema, { sessionId: SESSION, name: "w", value: encodeValue(1) }),
      );
      expect(await wire.unary("SetVariable", set)).toMatchObject({ ok: true });
      const outcomes = await Promise.all(streams);
      const rejections = outcomes.filter((o) => !o.ok);
      expect(outcomes.filter((o) => o.ok).length).toBe(1000);
      expect(rejections.length).toBe(1500);
      for (const r of rejections)
        expect(r).toMatchObject({ code: status.RESOURCE_EXHAUSTED, info: { type: "ResourceExhausted" } });
    } finally {
      for (const client of clients) client.close();
    }
  });
});
