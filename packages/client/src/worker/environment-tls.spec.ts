import { describe, expect, it } from "vitest";
import {
  tlsFromEnvironment,
  WORKER_CLIENT_CERT_ENV,
  WORKER_CLIENT_KEY_ENV,
  WORKER_HOST_CA_ENV,
} from "./environment-tls.js";

describe("a worker's TLS from the variables its host sets", () => {
  it("is plaintext without any, trusts the CA, and presents the client certificate with its key", () => {
    expect(tlsFromEnvironment({})).toBeUndefined();
    expect(tlsFromEnvironment({ [WORKER_HOST_CA_ENV]: "CA" })).toEqual({ ca: "CA" });
    expect(
      tlsFromEnvironment({
        [WORKER_HOST_CA_ENV]: "CA",
        [WORKER_CLIENT_CERT_ENV]: "CERT",
        [WORKER_CLIENT_KEY_ENV]: "KEY",
      }),
    ).toEqual({ ca: "CA", cert: "CERT", key: "KEY" });
  });

  it("refuses a certificate without its key and a key without its certificate, naming the missing variable", () => {
    expect(() => tlsFromEnvironment({ [WORKER_CLIENT_CERT_ENV]: "CERT" })).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringMatching(/TOOLBRIDGE_CLIENT_KEY is not/),
      }),
    );
    expect(() => tlsFromEnvironment({ [WORKER_CLIENT_KEY_ENV]: "KEY" })).toThrow(/TOOLBRIDGE_CLIENT_CERT is not/);
  });
});
