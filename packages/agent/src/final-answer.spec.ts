import { describe, expect, it } from "vitest";
import { finalAnswerFromObject, finalAnswerFromText } from "./final-answer.js";
import { parseSignature } from "./signature.js";

const outputs = (text: string) => parseSignature(`x -> ${text}`).outputs;

describe("finalAnswerFromText", () => {
  it("keys a single output by its field name", () => {
    expect(finalAnswerFromText(" The answer is 4 ", outputs("Answer"))).toEqual({ Answer: "The answer is 4" });
  });

  it("unwraps a JSON object holding the single field, case-insensitively", () => {
    expect(finalAnswerFromText('{"answer": 4}', outputs("Answer: int"))).toEqual({ Answer: 4 });
  });

  it("reads several outputs from JSON or from field lines", () => {
    const fields = outputs("answer: str, confidence: float, sources: list[str]");
    expect(finalAnswerFromText('{"answer": "4", "confidence": "0.9", "sources": ["math"]}', fields)).toEqual({
      answer: "4",
      confidence: 0.9,
      sources: ["math"],
    });
    expect(finalAnswerFromText('answer: 4\nconfidence: 1e-1\nsources: ["a", "b"]', fields)).toEqual({
      answer: "4",
      confidence: 0.1,
      sources: ["a", "b"],
    });
  });

  it("coerces typed values and keeps big whole numbers exact", () => {
    expect(finalAnswerFromText("true", outputs("ok: bool"))).toEqual({ ok: true });
    expect(finalAnswerFromText("12345678901234567890", outputs("n: int"))).toEqual({ n: 12345678901234567890n });
    expect(finalAnswerFromText('{"a": 1}', outputs("d: dict[str, int]"))).toEqual({ d: { a: 1 } });
    expect(finalAnswerFromText("whatever", outputs("x2: MyType"))).toEqual({ x2: "whatever" });
  });

  it.each([
    ["four", "n: int", 'output field "n" must be int: "four" is not a whole number'],
    ["2.5", "n: int", "is not a whole number"],
    ["maybe", "ok: bool", "is not true or false"],
    ["[1", "l: list[int]", "is not a JSON array"],
    ['{"answer": "4"}', "answer, confidence", 'lacks the output field "confidence"'],
  ])("rejects %j for %s", (text, fields, reason) => {
    expect(finalAnswerFromText(text, outputs(fields))).toContain(reason);
  });
});

describe("finalAnswerFromObject", () => {
  it("stringifies non-text values for str fields", () => {
    expect(finalAnswerFromObject({ answer: 4 }, outputs("answer: str"))).toEqual({ answer: "4" });
  });
});
