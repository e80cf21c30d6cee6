import type { ServerResponse } from "node:http";
import type { CallContext } from "../core/call-scope.js";
import { httpPrincipalOf } from "../security/http-guard.js";

/**
 * CallContext of one HTTP request. The client "cancels" by going away: the
 * response closes before it finished. The AbortSignal is made only when asked
 * for (listeners cost per call); `onCancel` listens on the response directly.
 * HTTP has no deadline header here: a call's limit is its timeout_ms.
 */
export class HttpCallContext implements CallContext {
  readonly deadlineMs = Number.POSITIVE_INFINITY;
  private controller: AbortController | undefined;

  constructor(private readonly res: ServerResponse) {}

  /** The caller the gateway's guard authenticated, if auth is on. */
  get principal(): string | undefined {
    return httpPrincipalOf(this.res.req);
  }

  /** The client disconnected before the response was complete. */
  get clientGone(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      this.onCancel(() => controller.abort());
    }
    return this.controller.signal;
  }

  onCancel(listener: () => void): () => void {
    if (this.clientGone) {
      listener();
      return noop;
    }
    const onClose = () => {
      if (!this.res.writableFinished) listener();
    };
    this.res.once("close", onClose);
    return () => this.res.off("close", onClose);
  }
}

const noop = () => {};
