import { create } from "@bufbuild/protobuf";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { ErrorInfoSchema, ProtocolError, statusWithErrorInfo, ToolBridgeError } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { errorFromInfo, errorFromStatus } from "./error-mapping.js";
import {
  RateLimitedError,
  SessionExpiredError,
  ToolCommunicationError,
  ToolExecutionError,
  ValidationError,
} from "./errors.js";

function serviceError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

function withInfo(code: status, info: Parameters<typeof statusWithErrorInfo>[1]): ServiceError {
  const built = statusWithErrorInfo(code, info);
  return serviceError(code, built.details ?? "", built.metadata);
}

describe("ErrorInfo -> error class", () => {
  it("keeps the tool name, type, details and request id", () => {
    const error = errorFromInfo(
      create(ErrorInfoSchema, { type: "KeyError", message: "no such key", details: { key: "k" }, requestId: "r1" }),
      { toolName: "lookup" },
    );
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error).toBeInstanceOf(ToolBridgeError);
    expect(error).toMatchObject({ toolName: "lookup", errorType: "KeyError", code: "ToolError", requestId: "r1" });
    expect(error.details).toEqual({ key: "k" });
    expect(error.message).toContain("no such key");
  });

  it("gives ValidationError its fields", () => {
    const error = errorFromInfo(
      create(ErrorInfoSchema, {
        type: "ValidationError",
        message: "bad",
        fieldViolations: [{ field: "a", description: "negative" }],
      }),
      { toolName: "add" },
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual([{ field: "a", description: "negative" }]);
  });

  it("reads retry_after from RateLimitExceeded details when retry_after_ms is absent", () => {
    const error = errorFromInfo(
      create(ErrorInfoSchema, { type: "RateLimitExceeded", message: "slow down", details: { retry_after: "2" } }),
      {},
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2000);
  });
});

describe("gRPC status -> error", () => {
  it("uses the ErrorInfo in the status details", () => {
    const error = errorFromStatus(
      withInfo(status.FAILED_PRECONDITION, { type: "SessionExpired", message: "session s ended", sessionId: "s" }),
      { toolName: "t" },
    );
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({ code: "SessionExpired", errorType: "SessionExpired", sessionId: "s" });
  });

  it("keeps host-explained transport failures ToolCommunicationError and a host ProtocolError its class, as Python does", () => {
    const unavailable = errorFromStatus(
      withInfo(status.UNAVAILABLE, { type: "Unavailable", message: "draining", details: { node: "a" } }),
      { toolName: "t" },
    );
    expect(unavailable).toBeInstanceOf(ToolCommunicationError);
    expect(unavailable).toMatchObject({ errorType: "Unavailable", code: "UNAVAILABLE", toolName: "t" });
    expect(unavailable.details).toEqual({ node: "a", status: "UNAVAILABLE" });

    const cancelledOutcome = errorFromInfo(create(ErrorInfoSchema, { type: "Cancelled", message: "stopped" }), {});
    expect(cancelledOutcome).toMatchObject({ errorType: "Cancelled", code: "CANCELLED", grpcCode: status.CANCELLED });

    const unreadable = errorFromStatus(withInfo(status.INTERNAL, { type: "ProtocolError", message: "bad Any" }), {
      toolName: "t",
    });
    expect(unreadable).toBeInstanceOf(ProtocolError);
    expect(unreadable.message).toContain("host could not read the request: bad Any");
  });

  it("takes retry-after from the status trailer", () => {
    const error = errorFromStatus(
      withInfo(status.RESOURCE_EXHAUSTED, { type: "RateLimitExceeded", message: "wait", retryAfterMs: 1500n }),
      {},
    );
    expect((error as RateLimitedError).retryAfterMs).toBe(1500);
  });

  it.each([
    [status.UNAVAILABLE, "UNAVAILABLE", "Unavailable"],
    [status.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", "DeadlineExceeded"],
    [status.CANCELLED, "CANCELLED", "Cancelled"],
    [status.UNAUTHENTICATED, "UNAUTHENTICATED", "Unauthenticated"],
    [status.PERMISSION_DENIED, "PERMISSION_DENIED", "PermissionDenied"],
    [status.ABORTED, "ABORTED", "Conflict"],
    [status.UNKNOWN, "UNKNOWN", "InternalError"],
  ])("maps bare status %i to ToolCommunicationError %s / %s", (code, name, type) => {
    const error = errorFromStatus(serviceError(code, "boom"), { toolName: "t" });
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({ code: name, errorType: type, toolName: "t", grpcCode: code });
  });

  it.each([
    ["send", "Attempted to send message with a size larger than 10551296"],
    ["receive", "Received message larger than max (11534336 vs. 10551296)"],
  ])("reports grpc-js's own %s size refusal as the host's MessageTooLarge, a ToolExecutionError", (_, details) => {
    const local = errorFromStatus(serviceError(status.RESOURCE_EXHAUSTED, details), { toolName: "echo" });
    const fromHost = errorFromStatus(
      withInfo(status.RESOURCE_EXHAUSTED, { type: "MessageTooLarge", message: "request is 11 MB" }),
      { toolName: "echo" },
    );
    for (const error of [local, fromHost]) {
      expect(error).toBeInstanceOf(ToolExecutionError);
      expect(error).not.toBeInstanceOf(ToolCommunicationError);
      expect(error).toMatchObject({ code: "MessageTooLarge", errorType: "MessageTooLarge", toolName: "echo" });
    }
    expect(local.message.toLowerCase()).toContain("message too large");
    expect(local.message).toContain(details);
  });

  it("keeps a bare RESOURCE_EXHAUSTED that is not about size a ToolCommunicationError", () => {
    const error = errorFromStatus(serviceError(status.RESOURCE_EXHAUSTED, "too many streams"), {});
    expect(error).toBeInstanceOf(ToolCommunicationError);
    expect(error).toMatchObject({ errorType: "ResourceExhausted", code: "RESOURCE_EXHAUSTED" });
  });

  it("reports an unparsable response as ProtocolError", () => {
    const error = errorFromStatus(
      serviceError(status.INTERNAL, "Response message parsing error: invalid wire type"),
      {},
    );
    expect(error).toBeInstanceOf(ProtocolError);
  });
});
