import { ToolBridge, type ToolBridgeError } from "@toolbridge/client";

/** One operation of the mixed load; each runs against its own or a shared bridge. */
export type Operation = "unary" | "stream" | "batch" | "variables" | "session-churn";

/** Share of each operation in the mix (sums to 1). */
const MIX: readonly [Operation, number][] = [
  ["unary", 0.5],
  ["stream", 0.15],
  ["batch", 0.1],
  ["variables", 0.15],
  ["session-churn", 0.1],
];

export function pickOperation(random: number): Operation {
  let acc = 0;
  for (const [op, share] of MIX) {
    acc += share;
    if (random < acc) return op;
  }
  return "unary";
}

/**
 * The load a soak applies: a few long-lived bridges with their own sessions,
 * plus bridges opened and closed per "session-churn" operation (new channel,
 * new session, a call, cleanup, close), so connection and session leaks show.
 */
export class MixedLoad {
  readonly errors = new Map<string, number>();
  readonly done = new Map<Operation, number>();
  private readonly bridges: ToolBridge[] = [];
  private next = 0;
  private churnId = 0;

  private constructor(private readonly address: string) {}

  static async open(address: string, bridges: number): Promise<MixedLoad> {
    const load = new MixedLoad(address);
    for (let i = 0; i < bridges; i++) {
      const bridge = new ToolBridge(address, { timeoutMs: 10_000 });
      await bridge.initialize(`soak-${process.pid}-${i}`);
      load.bridges.push(bridge);
    }
    return load;
  }

  get errorCount(): number {
    let n = 0;
    for (const count of this.errors.values()) n += count;
    return n;
  }

  get operations(): number {
    let n = 0;
    for (const count of this.done.values()) n += count;
    return n;
  }

  /** Runs one operation; failures are counted by error type, never thrown. */
  async run(op: Operation): Promise<void> {
    const bridge = this.bridges[this.next++ % this.bridges.length] as ToolBridge;
    try {
      await this.perform(op, bridge);
      this.done.set(op, (this.done.get(op) ?? 0) + 1);
    } catch (error) {
      const key = `${op}:${(error as ToolBridgeError).errorType ?? (error as Error).message}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
  }

  private async perform(op: Operation, bridge: ToolBridge): Promise<void> {
    const n = this.next;
    switch (op) {
      case "unary": {
        const value = { n, text: "payload", list: [1, 2, 3] };
        expectEqual(await bridge.callTool("echo", { value }), value);
        return;
      }
      case "stream": {
        const chunks: unknown[] = [];
        for await (const chunk of bridge.openStream("chunks", { count: 5, intervalMs: 0 })) chunks.push(chunk);
        expectEqual(chunks, [0, 1, 2, 3, 4]);
        return;
      }
      case "batch": {
        const results = await bridge.executeBatch(
          Array.from({ length: 10 }, (_, i) => ({ tool: "echo", kwargs: { value: i } })),
          { parallel: true },
        );
        expectEqual(
          results,
          Array.from({ length: 10 }, (_, i) => i),
        );
        return;
      }
      case "variables": {
        const name = `v${n % 50}`;
        await bridge.session.set(name, { n });
        await bridge.session.get(name);
        return;
      }
      case "session-churn": {
        const churn = new ToolBridge(this.address, { timeoutMs: 10_000 });
        try {
          await churn.initialize(`churn-${process.pid}-${this.churnId++}`);
          expectEqual(await churn.callTool("echo", { value: "hi" }), "hi");
          await churn.session.cleanup();
        } finally {
          await churn.close();
        }
        return;
      }
    }
  }

  async close(): Promise<void> {
    for (const bridge of this.bridges) {
      await bridge.session.cleanup().catch(() => {});
      await bridge.close();
    }
  }
}

function expectEqual(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`wrong result: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
  }
}
