import { ToolBridgeError } from "@toolbridge/protocol";

/**
 * A signature in DSPy's string notation, parsed once when an agent is defined.
 *
 * Grammar (whitespace between tokens is ignored):
 *
 *   signature   := fields "->" fields
 *   fields      := field ("," field)*
 *   field       := NAME [":" type] [DESCRIPTION]
 *   type        := NAME ["[" typeArg ("," typeArg)* "]"]
 *   typeArg     := type | STRING
 *   NAME        := [A-Za-z_][A-Za-z0-9_]*
 *   DESCRIPTION := STRING
 *   STRING      := '"' ( [^"\\] | '\\' any )* '"'
 *
 * Examples: `question -> answer`,
 * `context: list[str], question -> answer: str`,
 * `question: str "what the user asked" -> answer: int "a whole number"`,
 * `text -> sentiment: Literal["pos", "neg"]`.
 *
 * Field names are unique across inputs and outputs. Types are kept as written
 * (normalised spacing) and only used to describe fields to the model and to
 * coerce final answers (see final-answer.ts).
 */
export interface SignatureField {
  readonly name: string;
  /** Normalised type text, e.g. "list[str]"; undefined when not written. */
  readonly type: string | undefined;
  readonly description: string | undefined;
}

export interface Signature {
  readonly text: string;
  readonly inputs: readonly SignatureField[];
  readonly outputs: readonly SignatureField[];
}

/** A signature that does not follow the grammar; says which token and where. */
export class SignatureError extends ToolBridgeError {
  override name = "SignatureError";
  readonly column: number;

  constructor(signature: string, reason: string, column: number, found: string) {
    super(
      "InvalidArgument",
      `invalid signature ${JSON.stringify(signature)}: ${reason} at column ${column}, found ${found}`,
      {
        details: { signature, column: String(column), found, reason },
      },
    );
    this.column = column;
  }
}

type TokenKind = "name" | "string" | "arrow" | "comma" | "colon" | "open" | "close" | "end";

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the token's first character. */
  readonly column: number;
}

const PUNCTUATION: Record<string, TokenKind> = { ",": "comma", ":": "colon", "[": "open", "]": "close" };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (source.startsWith("->", i)) {
      tokens.push({ kind: "arrow", text: "->", column: i + 1 });
      i += 2;
    } else if (PUNCTUATION[ch] !== undefined) {
      tokens.push({ kind: PUNCTUATION[ch], text: ch, column: i + 1 });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: "name", text: match[0], column: i + 1 });
      i += match[0].length;
    } else if (ch === '"') {
      const start = i;
      let text = "";
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        text += source[i];
        i++;
      }
      if (i >= source.length) throw new SignatureError(source, "unterminated string", start + 1, "end of input");
      i++;
      tokens.push({ kind: "string", text, column: start + 1 });
    } else {
      throw new SignatureError(source, "unexpected character", i + 1, JSON.stringify(ch));
    }
  }
  tokens.push({ kind: "end", text: "", column: source.length + 1 });
  return tokens;
}

function describe(token: Token): string {
  return token.kind === "end"
    ? "end of input"
    : JSON.stringify(token.kind === "string" ? `"${token.text}"` : token.text);
}

/** Recursive-descent parser over the token list; one instance per parse. */
class SignatureParser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Signature {
    const inputs = this.fields("an input field name");
    this.expect("arrow", '"->" or ","');
    const outputs = this.fields("an output field name");
    this.expect("end", 'end of input or ","');
    const seen = new Set<string>();
    for (const field of [...inputs, ...outputs]) {
      if (seen.has(field.name)) {
        const token = this.tokens.filter((t) => t.kind === "name" && t.text === field.name)[1] as Token;
        throw new SignatureError(this.source, `duplicate field name "${field.name}"`, token.column, describe(token));
      }
      seen.add(field.name);
    }
    return { text: this.source, inputs, outputs };
  }

  private fields(what: string): SignatureField[] {
    const fields = [this.field(what)];
    while (this.peek().kind === "comma") {
      this.index++;
      fields.push(this.field(what));
    }
    return fields;
  }

  private field(what: string): SignatureField {
    const name = this.expect("name", what).text;
    let type: string | undefined;
    if (this.peek().kind === "colon") {
      this.index++;
      type = this.type();
    }
    let description: string | undefined;
    if (this.peek().kind === "string") description = this.next().text;
    return { name, type, description };
  }

  private type(): string {
    const name = this.expect("name", "a type name").text;
    if (this.peek().kind !== "open") return name;
    this.index++;
    const args = [this.typeArg()];
    while (this.peek().kind === "comma") {
      this.index++;
      args.push(this.typeArg());
    }
    this.expect("close", '"]" or ","');
    return `${name}[${args.join(", ")}]`;
  }

  private typeArg(): string {
    return this.peek().kind === "string" ? JSON.stringify(this.next().text) : this.type();
  }

  private expect(kind: TokenKind, what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw new SignatureError(this.source, `expected ${what}`, token.column, describe(token));
    this.index++;
    return token;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    return this.tokens[this.index++] as Token;
  }
}

/** Parses DSPy signature notation; throws SignatureError (code InvalidArgument) on bad input. */
export function parseSignature(text: string): Signature {
  return new SignatureParser(text, tokenize(text)).parse();
}
