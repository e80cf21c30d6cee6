import { describe, expect, it } from "vitest";
import { UsageError } from "../usage.js";
import { parseTokenFile } from "./token-file.js";

const SOURCE = "serve: --auth-tokens tokens.txt";
const ALICE = "alice-token-0123456789";
const BOB = "bob-token-abcdefghijkl";

/** The UsageError's message, checked never to quote a token of the file. */
function failure(text: string, secrets: string[] = [ALICE, BOB]): string {
  try {
    parseTokenFile(text, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    for (const secret of secrets) expect(message).not.toContain(secret);
    return message;
  }
  throw new Error("parseTokenFile accepted the file");
}

describe("parseTokenFile, line format", () => {
  it("maps each TOKEN PRINCIPAL line, skipping blank lines and comments", () => {
    const text = `# ops team\n${ALICE} alice\n\n  ${BOB}\tbob  \r\n# end\n`;
    expect(parseTokenFile(text, SOURCE)).toEqual({ [ALICE]: "alice", [BOB]: "bob" });
  });

  it("names the line of a malformed entry and never quotes the token", () => {
    expect(failure(`${ALICE} alice\n${BOB}\n`)).toBe(
      `${SOURCE}: line 2: expected "TOKEN PRINCIPAL" (two words), found 1 words`,
    );
    expect(failure(`# c\n${ALICE} alice smith\n`)).toMatch(/^serve: --auth-tokens tokens.txt: line 2: expected/);
    expect(failure("\ntiny-tok alice\n", ["tiny-tok"])).toBe(
      `${SOURCE}: line 2: the token is shorter than 16 characters`,
    );
    expect(failure(`${ALICE} alice\n${ALICE} mallory\n`)).toBe(`${SOURCE}: line 2: the same token as line 1`);
    expect(failure(`${ALICE}é alice\n`, [ALICE])).toBe(
      `${SOURCE}: line 1: the token may hold printable ASCII characters only, no spaces`,
    );
  });

  it("refuses a file with no tokens", () => {
    expect(failure("# nothing yet\n\n")).toBe(`${SOURCE}: no tokens in the file`);
  });
});

describe("parseTokenFile, JSON format", () => {
  it("takes an object of token -> principal", () => {
    expect(parseTokenFile(` {"${ALICE}": "alice",\n "${BOB}": "bob"}`, SOURCE)).toEqual({
      [ALICE]: "alice",
      [BOB]: "bob",
    });
  });

  it("says where the JSON breaks without quoting the text around it", () => {
    // V8's own message would quote the neighbouring text, a token here.
    expect(failure(`{\n"${ALICE}": "alice",\n"${BOB}" "bob"}`)).toBe(`${SOURCE}: not valid JSON at line 3`);
    expect(failure(`{"${ALICE}": }`)).toBe(`${SOURCE}: not valid JSON`);
    expect(failure(`["${ALICE}"]`)).toBe(`${SOURCE}: expected a JSON object {"TOKEN": "PRINCIPAL", ...}`);
  });

  it("names the line of a bad entry", () => {
    expect(failure(`{\n"${ALICE}": "alice",\n"${BOB}": 7\n}`)).toBe(
      `${SOURCE}: line 3: the principal must be a non-empty string`,
    );
    expect(failure(`{\n"${ALICE}": "alice",\n"tiny-tok": "bob"\n}`, [ALICE, "tiny-tok"])).toBe(
      `${SOURCE}: line 3: the token is shorter than 16 characters`,
    );
    expect(failure("{}")).toBe(`${SOURCE}: no tokens in the file`);
  });
});
