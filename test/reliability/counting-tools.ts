import { defineTool, type ToolExecutor } from "@toolbridge/host";
import { z } from "zod";

/**
 * What the host really did, seen from inside its tools: how often each handler
 * ran and whether the handlers of cancelled calls were told. Fault tests assert
 * on these as well as on what the caller saw.
 */
export class ToolCounter {
  readonly runs = new Map<string, number>();
  /** Handlers whose signal fired (deadline passed or call cancelled), by tool name. */
  readonly aborted = new Map<string, number>();
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => {};

  count(name: string): number {
    const n = (this.runs.get(name) ?? 0) + 1;
    this.runs.set(name, n);
    return n;
  }

  total(name: string): number {
    return this.runs.get(name) ?? 0;
  }

  /** Makes `gated` handlers wait until open() is called. */
  close(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  open(): void {
    this.openGate();
  }

  waitAtGate(): Promise<void> {
    return this.gate;
  }

  noteAbort(name: string, signal: AbortSignal): void {
    signal.addEventListener("abort", () => this.aborted.set(name, (this.aborted.get(name) ?? 0) + 1), { once: true });
  }
}

/** Resolves after ms, or rejects as soon as signal fires (a handler that honours cancellation). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Tools that count their runs: unary, gated unary, slow unary and a paced stream. */
export function countingTools(counter: ToolCounter): ToolExecutor[] {
  return [
    defineTool({
      name: "echo",
      input: z.object({ value: z.unknown() }),
      handler: ({ value }) => {
        counter.count("echo");
        return value;
      },
    }),
    defineTool({
      name: "gated",
      description: "Counts, then waits for the test to open the gate (ignores cancellation on purpose)",
      input: z.object({ value: z.number() }),
      async handler({ value }) {
        counter.count("gated");
        await counter.waitAtGate();
        return value * 2;
      },
    }),
    defineTool({
      name: "slow",
      input: z.object({ ms: z.number().int().nonnegative() }),
      timeoutMs: 120_000,
      async handler({ ms }, ctx) {
        counter.count("slow");
        counter.noteAbort("slow", ctx.signal);
        await sleep(ms, ctx.signal);
        return ms;
      },
    }),
    defineTool({
      name: "chunks",
      input: z.object({ count: z.number().int().nonnegative(), intervalMs: z.number().int().nonnegative() }),
      timeoutMs: 120_000,
      async *handler({ count, intervalMs }, ctx) {
        counter.count("chunks");
        counter.noteAbort("chunks", ctx.signal);
        for (let i = 0; i < count; i++) {
          yield i;
          if (intervalMs > 0) await sleep(intervalMs, ctx.signal);
        }
      },
    }),
  ];
}
