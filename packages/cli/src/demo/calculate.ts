import { defineTool } from "@toolbridge/host";
import { ToolBridgeError } from "@toolbridge/protocol";
import { z } from "zod";

/**
 * `calculate`: an arithmetic expression evaluator. It tokenizes and parses the
 * expression itself (recursive descent), so no user text ever reaches eval or
 * Function. Grammar, loosest binding first (Python's precedence, so `-2 ** 2`
 * is -4 and `2 ** 3 ** 2` is 512):
 *
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/" | "%") unary)*
 *   unary   := ("-" | "+") unary | power
 *   power   := atom ("**" unary)?
 *   atom    := number | "(" sum ")"
 */

/** Longest expression accepted; keeps one call's work bounded. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest nesting of parentheses and unary signs; keeps the recursion off the stack limit. */
export const MAX_NESTING_DEPTH = 200;

type Token = { kind: "number"; value: number; at: number } | { kind: "op"; op: string; at: number };

export function evaluateExpression(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw invalid(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, 0, expression);
  }
  const parser = new Parser(tokenize(expression), expression);
  const value = parser.parseExpression();
  if (!Number.isFinite(value)) throw invalid("result is not a finite number (overflow)", 0, expression);
  // -0 prints as 0 everywhere a user would read it; normalize so JSON and the codec agree.
  return Object.is(value, -0) ? 0 : value;
}

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ["**", "+", "-", "*", "/", "%", "(", ")"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), at });
      at += number[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, at));
    if (!op) throw invalid(`unexpected character ${JSON.stringify(char)}`, at, text);
    tokens.push({ kind: "op", op, at });
    at += op.length;
  }
  return tokens;
}

class Parser {
  private next = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parseExpression(): number {
    if (this.tokens.length === 0) throw invalid("expression is empty", 0, this.text);
    const value = this.sum();
    const extra = this.tokens[this.next];
    if (extra) throw invalid(`unexpected ${describe(extra)}`, extra.at, this.text);
    return value;
  }

  private sum(): number {
    let value = this.product();
    for (let op = this.peekOp("+", "-"); op; op = this.peekOp("+", "-")) {
      this.next++;
      const right = this.product();
      value = op.op === "+" ? value + right : value - right;
    }
    return value;
  }

  private product(): number {
    let value = this.unary();
    for (let op = this.peekOp("*", "/", "%"); op; op = this.peekOp("*", "/", "%")) {
      this.next++;
      const right = this.unary();
      if (op.op === "*") {
        value *= right;
      } else if (right === 0) {
        throw invalid(op.op === "/" ? "division by zero" : "modulo by zero", op.at, this.text);
      } else {
        value = op.op === "/" ? value / right : pythonModulo(value, right);
      }
    }
    return value;
  }

  private unary(): number {
    const sign = this.peekOp("+", "-");
    if (!sign) return this.power();
    this.next++;
    const value = this.nested(sign.at, () => this.unary());
    return sign.op === "-" ? -value : value;
  }

  private power(): number {
    const base = this.atom();
    const op = this.peekOp("**");
    if (!op) return base;
    this.next++;
    const exponent = this.nested(op.at, () => this.unary());
    if (base === 0 && exponent < 0) throw invalid("zero raised to a negative power", op.at, this.text);
    const value = base ** exponent;
    if (Number.isNaN(value)) throw invalid("negative number raised to a fractional power", op.at, this.text);
    return value;
  }

  private atom(): number {
    const token = this.tokens[this.next];
    if (!token) throw invalid("expression ends where a number was expected", this.text.length, this.text);
    this.next++;
    if (token.kind === "number") return token.value;
    if (token.op !== "(") throw invalid(`expected a number, found ${describe(token)}`, token.at, this.text);
    const value = this.nested(token.at, () => this.sum());
    const close = this.tokens[this.next];
    if (close?.kind !== "op" || close.op !== ")") {
      throw invalid("unclosed parenthesis", token.at, this.text);
    }
    this.next++;
    return value;
  }

  private nested(at: number, parse: () => number): number {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw invalid(`expression nests deeper than ${MAX_NESTING_DEPTH} levels`, at, this.text);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peekOp(...ops: string[]): Extract<Token, { kind: "op" }> | undefined {
    const token = this.tokens[this.next];
    return token?.kind === "op" && ops.includes(token.op) ? token : undefined;
  }
}

/** Python's `%`: the result takes the divisor's sign, which users of a calculator expect (-7 % 3 == 2). */
function pythonModulo(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function describe(token: Token): string {
  return token.kind === "number" ? `number ${token.value}` : `"${token.op}"`;
}

function invalid(reason: string, position: number, expression: string): ToolBridgeError {
  return new ToolBridgeError("ValidationError", `expression: ${reason} at position ${position}`, {
    details: { field: "expression", reason, position: String(position), expression: expression.slice(0, 200) },
  });
}

export const calculateTool = defineTool({
  name: "calculate",
  description: "Evaluate an arithmetic expression: + - * / % ** parentheses, unary minus, decimals.",
  input: z.object({
    expression: z.string().describe('Arithmetic expression, e.g. "(2 + 3) * 4 ** 2"'),
  }),
  handler: ({ expression }) => evaluateExpression(expression),
});
