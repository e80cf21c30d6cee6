import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSignature, SignatureError } from "./signature.js";

describe("parseSignature", () => {
  it("parses the simplest form", () => {
    const s = parseSignature("question -> answer");
    expect(s.inputs).toEqual([{ name: "question", type: undefined, description: undefined }]);
    expect(s.outputs).toEqual([{ name: "answer", type: undefined, description: undefined }]);
    expect(s.text).toBe("question -> answer");
  });

  it("parses several typed fields with nested generic types", () => {
    const s = parseSignature("context: list[str], question -> answer: str, scores:dict[ str , list[float] ]");
    expect(s.inputs.map((f) => [f.name, f.type])).toEqual([
      ["context", "list[str]"],
      ["question", undefined],
    ]);
    expect(s.outputs.map((f) => [f.name, f.type])).toEqual([
      ["answer", "str"],
      ["scores", "dict[str, list[float]]"],
    ]);
  });

  it("parses descriptions and string literal type arguments", () => {
    const s = parseSignature('text: str "the review \\"as is\\"" -> sentiment: Literal["pos", "neg"] "polarity"');
    expect(s.inputs[0]).toEqual({ name: "text", type: "str", description: 'the review "as is"' });
    expect(s.outputs[0]).toEqual({ name: "sentiment", type: 'Literal["pos", "neg"]', description: "polarity" });
  });

  it("accepts an untyped field with a description", () => {
    expect(parseSignature('q "the question" -> a').inputs[0]).toEqual({
      name: "q",
      type: undefined,
      description: "the question",
    });
  });

  it.each([
    ["", "expected an input field name at column 1, found end of input"],
    ["question", 'expected "->" or "," at column 9, found end of input'],
    ["question ->", "expected an output field name at column 12, found end of input"],
    ["-> answer", 'expected an input field name at column 1, found "->"'],
    ["question -> answer -> more", 'expected end of input or "," at column 20, found "->"'],
    ["question, -> answer", 'expected an input field name at column 11, found "->"'],
    ["question: -> answer", 'expected a type name at column 11, found "->"'],
    ["q: list[str -> a", 'expected "]" or "," at column 13, found "->"'],
    ["q -> a: list[]", 'expected a type name at column 14, found "]"'],
    ["1q -> a", 'unexpected character at column 1, found "1"'],
    ["q -> a; b", 'unexpected character at column 7, found ";"'],
    ['q "open -> a', "unterminated string at column 3, found end of input"],
    ["q, a -> q", 'duplicate field name "q" at column 9, found "q"'],
    ["a -> b, b", 'duplicate field name "b" at column 9, found "b"'],
  ])("rejects %j: %s", (text, reason) => {
    let error: unknown;
    try {
      parseSignature(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SignatureError);
    const e = error as SignatureError;
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toBe(`invalid signature ${JSON.stringify(text)}: ${reason}`);
    expect(e.details.signature).toBe(text);
    expect(Number(e.details.column)).toBe(e.column);
  });

  it("round-trips any generated well-formed signature", () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const type = fc.constantFrom(undefined, "str", "int", "list[str]", "dict[str, int]");
    const field = fc.record({ name, type });
    fc.assert(
      fc.property(
        fc.uniqueArray(field, { minLength: 2, maxLength: 6, selector: (f) => f.name }),
        fc.integer({ min: 1, max: 5 }),
        (fields, cut) => {
          const split = Math.min(cut, fields.length - 1);
          const render = (fs: typeof fields) =>
            fs.map((f) => (f.type === undefined ? f.name : `${f.name}: ${f.type}`)).join(", ");
          const s = parseSignature(`${render(fields.slice(0, split))} -> ${render(fields.slice(split))}`);
          expect([...s.inputs, ...s.outputs].map((f) => ({ name: f.name, type: f.type }))).toEqual(fields);
        },
      ),
    );
  });
});
