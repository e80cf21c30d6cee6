import { ToolBridgeError } from "@toolbridge/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkClusterSecurity } from "./cluster-security.js";
import { configuredSecrets, type ForwardedCall, ForwardingKeys } from "./forwarded-mark.js";

const SECRET = "a-cluster-secret-of-32-characters!";
const OTHER = "another-secret-that-is-long-enough";
const call: ForwardedCall = { method: "ExecuteTool", sessionId: "s-1", toolId: "whoami", requestId: "r-1" };

/** The error type and details.reason a verification failed with. */
function refusal(verify: () => unknown): { type: string; reason: string | undefined } {
  try {
    verify();
  } catch (error) {
    if (!(error instanceof ToolBridgeError)) throw error;
    return { type: error.errorType, reason: error.details.reason };
  }
  throw new Error("expected the mark to be refused");
}

describe("forwarded-call marks", () => {
  it("a mark verifies for the call it was signed for and names the host and caller", () => {
    const keys = new ForwardingKeys([SECRET]);
    expect(keys.verify(keys.sign("host-1", call, "alice"), call)).toEqual({ hostId: "host-1", principal: "alice" });
    expect(keys.verify(keys.sign("host-1", call, undefined), call)).toEqual({ hostId: "host-1", principal: undefined });
    // Ids with the separator or non-ASCII text travel intact (base64url).
    expect(keys.verify(keys.sign("h.ö.1", call, "CN=Zoë.example"), call)).toEqual({
      hostId: "h.ö.1",
      principal: "CN=Zoë.example",
    });
  });

  it("a mark fits no other call: any other method, session, tool or request_id is refused", () => {
    const keys = new ForwardingKeys([SECRET]);
    const mark = keys.sign("host-1", call, "alice");
    for (const other of [
      { ...call, method: "StreamTool" },
      { ...call, sessionId: "s-2" },
      { ...call, toolId: "other" },
      { ...call, requestId: "r-2" },
    ]) {
      expect(refusal(() => keys.verify(mark, other))).toEqual({ type: "Unauthenticated", reason: "bad_signature" });
    }
  });

  it("field boundaries are part of what is signed (no two calls share bytes)", () => {
    const keys = new ForwardingKeys([SECRET]);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (a, b, c, d) => {
        fc.pre(a + b !== c + d || a !== c);
        const signed = { method: "ExecuteTool", sessionId: a, toolId: b, requestId: "r" };
        const moved = { method: "ExecuteTool", sessionId: c, toolId: d, requestId: "r" };
        expect(() => keys.verify(keys.sign("h", signed, "p"), moved)).toThrow(ToolBridgeError);
      }),
      { numRuns: 200 },
    );
  });

  it("a changed principal, host or time breaks the signature", () => {
    const keys = new ForwardingKeys([SECRET]);
    const [version, host, time, , mac] = keys.sign("host-1", call, "alice").split(".");
    const mallory = Buffer.from("mallory").toString("base64url");
    const forged = [version, host, time, mallory, mac].join(".");
    expect(refusal(() => keys.verify(forged, call)).reason).toBe("bad_signature");
    const otherHost = [version, Buffer.from("host-2").toString("base64url"), time, "", mac].join(".");
    expect(refusal(() => keys.verify(otherHost, call)).reason).toBe("bad_signature");
    const later = [version, host, String(Number(time) + 1), Buffer.from("alice").toString("base64url"), mac].join(".");
    expect(refusal(() => keys.verify(later, call)).reason).toBe("bad_signature");
  });

  it("a mark made with another secret is refused; during rotation both secrets verify", () => {
    const mark = new ForwardingKeys([OTHER]).sign("host-1", call, "alice");
    expect(refusal(() => new ForwardingKeys([SECRET]).verify(mark, call)).reason).toBe("bad_signature");
    expect(new ForwardingKeys([SECRET, OTHER]).verify(mark, call).principal).toBe("alice");
  });

  it("a mark older or newer than the allowed clock skew is refused", () => {
    let now = 1_000_000;
    const keys = new ForwardingKeys([SECRET], 30_000, () => now);
    const mark = keys.sign("host-1", call, "alice");
    now += 30_000;
    expect(keys.verify(mark, call).hostId).toBe("host-1");
    now += 1;
    expect(refusal(() => keys.verify(mark, call)).reason).toBe("expired");
    now = 1_000_000 - 30_001;
    expect(refusal(() => keys.verify(mark, call)).reason).toBe("expired");
  });

  it("malformed marks, marks on calls hosts never forward, and hosts without a key refuse", () => {
    const keys = new ForwardingKeys([SECRET]);
    for (const mark of ["", "host-0 guessed-secret", "v1.a.b.c", "v2.aG9zdA.1.YQ.bWFj", "v1..1..x", "v1.aA.1.YQ.x.y"]) {
      expect(refusal(() => keys.verify(mark, call))).toEqual({ type: "Unauthenticated", reason: "malformed" });
    }
    const mark = keys.sign("host-1", { ...call, method: "GetVariable" }, "alice");
    expect(refusal(() => keys.verify(mark, { ...call, method: "GetVariable" })).reason).toBe("not_forwardable");
    const keyless = new ForwardingKeys([]);
    expect(refusal(() => keyless.verify(keys.sign("host-1", call, "a"), call)).reason).toBe("no_key");
    expect(() => keyless.sign("host-1", call, "a")).toThrow(/not joined/);
  });
});

describe("cluster secret configuration", () => {
  it("secrets shorter than 32 characters are refused", () => {
    expect(() => configuredSecrets("short")).toThrow(/at least 32 characters/);
    expect(() => configuredSecrets([SECRET, "short"])).toThrow(TypeError);
    expect(configuredSecrets([SECRET, OTHER])).toEqual([SECRET, OTHER]);
    expect(configuredSecrets(undefined)).toBeUndefined();
  });

  it("a host with tls or auth refuses to start in a cluster without a secret", () => {
    const tls = { cert: "c", key: "k" };
    const auth = { tokens: { "token-of-sixteen-chars": "alice" } };
    expect(() => checkClusterSecurity({ tls, cluster: {} })).toThrow(/cluster\.secret/);
    expect(() => checkClusterSecurity({ auth })).toThrow(/--cluster-secret or TOOLBRIDGE_CLUSTER_SECRET/);
    expect(() => checkClusterSecurity({ tls, auth, cluster: { secret: SECRET } })).not.toThrow();
    // Forwarding off, or nothing to protect: no secret needed.
    expect(() => checkClusterSecurity({ tls, cluster: false })).not.toThrow();
    expect(() => checkClusterSecurity({ cluster: {} })).not.toThrow();
  });
});
