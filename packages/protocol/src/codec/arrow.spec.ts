import { createRequire } from "node:module";
import { Table, tableFromArrays, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { isArrowTable, loadArrow } from "./arrow.js";
import { canonical } from "./conformance-notation.js";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";

// The codec loads apache-arrow lazily through require(); these check that tables made by the
// caller's own `import "apache-arrow"` (ES module build) and by require("apache-arrow")
// (CommonJS build, distinct classes) are both recognised, and what decoding gives back.
const commonJsArrow = createRequire(import.meta.url)("apache-arrow") as typeof import("apache-arrow");
// Node 20.19+ can require() an ES module; older Node 20 gets the CommonJS build's classes.
const requireModule = (process.features as { require_module?: boolean }).require_module === true;

describe("lazily loaded apache-arrow", () => {
  it("round-trips a table built with the ES module import, decoding to that same Table class", () => {
    const t = new Table({ n: vectorFromArray([1.5, -2]), s: vectorFromArray(["a", "b"], new Utf8()) });
    const back = decodeValue(encodeValue(t)) as object;
    expect(isArrowTable(back)).toBe(true);
    if (requireModule) expect(back).toBeInstanceOf(Table);
    expect(canonical(back)).toStrictEqual(canonical(t));
  });

  it("encodes a table of the CommonJS build exactly like the same table of the ES module build", () => {
    expect(commonJsArrow.Table).not.toBe(Table);
    const columns = { n: new Float64Array([1, 2, 3]), s: ["x", "y", "z"] };
    const viaRequire = commonJsArrow.tableFromArrays(columns);
    expect(isArrowTable(viaRequire)).toBe(true);
    expect(encodeValue(viaRequire)).toStrictEqual(encodeValue(tableFromArrays(columns)));
  });

  it.runIf(requireModule)("loads the module instance an ES module import gets", () => {
    expect(loadArrow().Table).toBe(Table);
  });

  it("does not take look-alike objects for tables", () => {
    const lookAlike = { schema: { fields: [] }, batches: [], numRows: 0, getChildAt: () => null };
    expect(isArrowTable(lookAlike)).toBe(false);
    expect(isArrowTable(tableFromArrays({ a: [1] }).batches[0] as object)).toBe(false);
    // Encoded as the plain object it is, so its method is refused like any function.
    expect(() => encodeValue(lookAlike)).toThrow(/function at \$\.getChildAt/);
  });
});
