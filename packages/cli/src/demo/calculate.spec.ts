import { ToolBridgeError } from "@toolbridge/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateExpression, MAX_NESTING_DEPTH } from "./calculate.js";

describe("evaluateExpression", () => {
  it.each([
    ["2 + 2", 4],
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 / 4", 2.5],
    ["7 % 3", 1],
    ["-7 % 3", 2],
    ["2 ** 10", 1024],
    ["2 ** 3 ** 2", 512],
    ["-2 ** 2", -4],
    ["2 ** -1", 0.5],
    ["--3", 3],
    ["+4 - -4", 8],
    ["0.1 + 0.2", 0.1 + 0.2],
    [".5 * 4", 2],
    ["1e3 / 10", 100],
    ["  ( ( 42 ) )  ", 42],
    ["-0", 0],
  ])("%s = %d", (expression, expected) => {
    expect(evaluateExpression(expression)).toBe(expected);
  });

  it.each([
    ["", "expression is empty"],
    ["2 +", "expression ends where a number was expected at position 3"],
    ["(1 + 2", "unclosed parenthesis at position 0"],
    ["1 + 2)", 'unexpected ")" at position 5'],
    ["2 3", "unexpected number 3 at position 2"],
    ["1 / 0", "division by zero at position 2"],
    ["5 % (2 - 2)", "modulo by zero at position 2"],
    ["0 ** -1", "zero raised to a negative power"],
    ["(-8) ** 0.5", "negative number raised to a fractional power"],
    ["10 ** 400", "not a finite number"],
    ["process.exit(1)", 'unexpected character "p" at position 0'],
    ["* 3", 'expected a number, found "*" at position 0'],
  ])("rejects %j with a ValidationError saying %j", (expression, message) => {
    const error = catchError(() => evaluateExpression(expression));
    expect(error).toBeInstanceOf(ToolBridgeError);
    expect(error.code).toBe("ValidationError");
    expect(error.message).toContain(message);
    expect(error.details.field).toBe("expression");
  });

  it("bounds nesting instead of overflowing the stack", () => {
    const deep = `${"(".repeat(MAX_NESTING_DEPTH + 1)}1${")".repeat(MAX_NESTING_DEPTH + 1)}`;
    expect(catchError(() => evaluateExpression(deep)).message).toContain("nests deeper");
    const ok = `${"(".repeat(MAX_NESTING_DEPTH)}1${")".repeat(MAX_NESTING_DEPTH)}`;
    expect(evaluateExpression(ok)).toBe(1);
  });

  it("agrees with direct arithmetic on random fully parenthesized integer expressions", () => {
    type Tree = { text: string; value: number };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.integer({ min: -1000, max: 1000 }).map((n) => ({ text: n < 0 ? `(${n})` : String(n), value: n })),
        fc.tuple(tie("tree"), fc.constantFrom("+", "-", "*"), tie("tree")).map(([a, op, b]) => ({
          text: `(${a.text} ${op} ${b.text})`,
          value: op === "+" ? a.value + b.value : op === "-" ? a.value - b.value : a.value * b.value,
        })),
      ),
    }));
    fc.assert(
      fc.property(tree, ({ text, value }) => {
        expect(evaluateExpression(text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});

function catchError(run: () => unknown): ToolBridgeError {
  try {
    run();
  } catch (error) {
    return error as ToolBridgeError;
  }
  throw new Error("expected an error");
}
