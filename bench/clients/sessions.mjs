// Opens many sessions on a toolbridge host with raw InitializeSession calls (the
// idle-sessions scenario measures the host, so the client side stays as thin as
// possible: one channel, a few calls in flight, nothing kept per session).
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { baselineServiceDefinition, InitializeSessionRequestSchema } from "../lib/protocol-lite.mjs";

const initializeSession = baselineServiceDefinition.InitializeSession;

export async function openSessions(address, count, inFlight = 16) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const prefix = `idle-${process.pid}-${Date.now()}`;
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const sessionId = `${prefix}-${next++}`;
      await new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          initializeSession.path,
          initializeSession.requestSerialize,
          initializeSession.responseDeserialize,
          create(InitializeSessionRequestSchema, { sessionId }),
          (error, response) =>
            error
              ? reject(error)
              : response.success
                ? resolve()
                : reject(new Error(`session ${sessionId} not created`)),
        ),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    client.close();
  }
  return { opened: count };
}
