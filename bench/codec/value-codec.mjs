// Value codec benchmark: run `npx tsc -b packages/protocol && node bench/codec/value-codec.mjs`.
// Goals (issue 4): a 1 MB JSON-like value encodes+decodes within 2x of JSON.stringify+JSON.parse;
// a 1e6-row x 3-column numeric Arrow table round-trips at >= 200 MB/s.
import { Float64, Int64, Table, vectorFromArray } from "apache-arrow";
import { decodeValue, encodeValue } from "../../packages/protocol/dist/index.js";

function jsonLike(targetBytes) {
  const rows = [];
  let i = 0;
  while (JSON.stringify(rows).length < targetBytes) {
    for (let k = 0; k < 100; k++, i++) {
      rows.push({
        id: i,
        name: `user-${i}`,
        email: `user${i}@example.com`,
        score: i * 0.37 + 0.5,
        active: i % 3 === 0,
        tags: ["alpha", "beta", `t${i % 17}`],
        address: { city: "Zürich", zip: String(8000 + (i % 100)), geo: [47.37 + i * 1e-6, 8.54] },
        note: i % 5 === 0 ? null : "lorem ipsum dolor sit amet",
      });
    }
  }
  return { rows, count: rows.length };
}

/** ms of one call. */
function once(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/**
 * Median ms of each function over `runs` rounds. The functions alternate within a
 * round so that load from other processes on a shared machine hits them alike.
 */
function compare(fns, runs) {
  for (let i = 0; i < 5; i++) for (const fn of fns) fn();
  const samples = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < fns.length; k++) samples[k].push(once(fns[k]));
  }
  return samples.map(median);
}

const value = jsonLike(1024 * 1024);
const jsonBytes = JSON.stringify(value).length;
const any = encodeValue(value);
const [jsonMs, codecMs, encMs, decMs] = compare(
  [
    () => JSON.parse(JSON.stringify(value)),
    () => decodeValue(encodeValue(value)),
    () => encodeValue(value),
    () => decodeValue(any),
  ],
  40,
);
console.log(
  `json-like value: ${(jsonBytes / 1e6).toFixed(2)} MB JSON, ${(any.value.length / 1e6).toFixed(2)} MB wire (${any.typeUrl.split("/")[1]})`,
);
console.log(`  JSON.stringify+parse   ${jsonMs.toFixed(2)} ms`);
console.log(
  `  encodeValue+decodeValue ${codecMs.toFixed(2)} ms (encode ${encMs.toFixed(2)}, decode ${decMs.toFixed(2)})`,
);
console.log(`  ratio codec/JSON        ${(codecMs / jsonMs).toFixed(2)}x (goal <= 2x)`);

const n = 1_000_000;
const ints = new BigInt64Array(n);
const a = new Float64Array(n);
const b = new Float64Array(n);
for (let i = 0; i < n; i++) {
  ints[i] = BigInt(i);
  a[i] = i * 0.5;
  b[i] = Math.sqrt(i);
}
const table = new Table({
  id: vectorFromArray(ints, new Int64()),
  a: vectorFromArray(a, new Float64()),
  b: vectorFromArray(b, new Float64()),
});
const tableBytes = n * 3 * 8;
const [tableMs] = compare([() => decodeValue(encodeValue(table))], 15);
const back = decodeValue(encodeValue(table));
if (back.numRows !== n || back.getChild("b").get(n - 1) !== b[n - 1]) throw new Error("table round trip lost data");
console.log(`numeric table: ${n} rows x 3 cols = ${(tableBytes / 1e6).toFixed(0)} MB`);
console.log(
  `  encode+decode ${tableMs.toFixed(2)} ms = ${(tableBytes / 1e6 / (tableMs / 1000)).toFixed(0)} MB/s (goal >= 200 MB/s)`,
);
