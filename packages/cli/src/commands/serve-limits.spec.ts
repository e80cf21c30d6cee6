import { describe, expect, it } from "vitest";
import { UsageError } from "../usage.js";
import { parseCount, serveLimits } from "./serve-limits.js";

describe("serveLimits", () => {
  it("sets only the limits given, under the host's option names", () => {
    expect(serveLimits({})).toEqual({});
    expect(
      serveLimits({
        "max-sessions": "50",
        "max-message-bytes": "1048576",
        "max-variables-per-session": "10",
        "max-variable-bytes-per-session": "4096",
        "max-concurrent-streams": "8",
        "max-connections": "500",
        "max-worker-streams": "4",
      }),
    ).toEqual({
      maxSessions: 50,
      maxMessageBytes: 1_048_576,
      maxVariablesPerSession: 10,
      maxVariableBytesPerSession: 4096,
      maxConcurrentStreams: 8,
      maxConnections: 500,
      maxWorkerStreams: 4,
    });
  });

  it("refuses zero, negative, fractional and oversized values", () => {
    expect(() => serveLimits({ "max-sessions": "0" })).toThrow(
      new UsageError('serve: --max-sessions must be a whole number >= 1, got "0"'),
    );
    for (const bad of ["-5", "1.5", "1e3", "", "ten"]) {
      expect(() => serveLimits({ "max-concurrent-streams": bad })).toThrow(UsageError);
    }
    expect(() => serveLimits({ "max-connections": "0" })).toThrow(
      new UsageError('serve: --max-connections must be a whole number 1-2147483647, got "0"'),
    );
    expect(() => serveLimits({ "max-message-bytes": String(256 * 1024 * 1024 + 1) })).toThrow(
      'serve: --max-message-bytes must be a whole number 1-268435456, got "268435457"',
    );
  });
});

describe("parseCount", () => {
  it("accepts min..max", () => {
    expect(parseCount("serve", "n", "0", 0)).toBe(0);
    expect(parseCount("serve", "n", "7", 1, 7)).toBe(7);
    expect(() => parseCount("serve", "n", "8", 1, 7)).toThrow(UsageError);
  });
});
