import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Arrow from "apache-arrow";

/**
 * apache-arrow costs 150 modules and 300-500 ms to load, and most processes never see
 * a table, so the codec loads it on first use. encodeValue/decodeValue are synchronous,
 * hence require() rather than import().
 */
export type ArrowModule = typeof Arrow;

/** Arrow's own cross-build marker (what Table.isTable checks): set on every Table prototype. */
const TABLE_MARK = Symbol.for("apache-arrow/Table");

/** Whether v is an Arrow Table, of whichever copy of apache-arrow (ESM or CommonJS build) made it. */
export function isArrowTable(v: object): v is Arrow.Table {
  return (v as { [TABLE_MARK]?: unknown })[TABLE_MARK] === true;
}

let arrow: ArrowModule | undefined;

/**
 * The ES module build when Node can require() it (20.19+): the very module instance an
 * `import "apache-arrow"` gets, so decoded tables are `instanceof` the caller's Table.
 * Older Node falls back to the CommonJS build, whose classes are distinct (isArrowTable
 * still recognises them both ways).
 */
export function loadArrow(): ArrowModule {
  if (arrow) return arrow;
  const require = createRequire(import.meta.url);
  const commonJsEntry = require.resolve("apache-arrow");
  try {
    arrow = require(join(dirname(commonJsEntry), "Arrow.node.mjs")) as ArrowModule;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_REQUIRE_ESM") throw error;
    arrow = require(commonJsEntry) as ArrowModule;
  }
  return arrow;
}
