import type { ToolBridgeError } from "@toolbridge/protocol";

/** The error a promise rejects with (any error: a client's, a transport's); fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<ToolBridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as ToolBridgeError;
  }
  throw new Error("expected a failure");
}
