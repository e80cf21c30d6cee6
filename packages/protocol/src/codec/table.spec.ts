import { fromBinary } from "@bufbuild/protobuf";
import {
  Field,
  Float64,
  Int64,
  List,
  makeData,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { EncodeError } from "../errors.js";
import { ColumnType, TableSchema } from "../gen/toolbridge/v1/values_pb.js";
import { canonical } from "./conformance-notation.js";
import { decodeValue } from "./decode.js";
import { encodeValue } from "./encode.js";

const roundTrip = (t: Table) => decodeValue(encodeValue(t)) as Table;

describe("Arrow tables", () => {
  it("travels as pandas.DataFrame with little-endian column buffers", () => {
    const t = new Table({ a: vectorFromArray([1n, 2n, -3n], new Int64()), f: vectorFromArray([0.5, Number.NaN, -0]) });
    const any = encodeValue(t);
    expect(any.typeUrl).toBe("type.googleapis.com/pandas.DataFrame");
    const msg = fromBinary(TableSchema, any.value);
    expect(msg.numRows).toBe(3n);
    expect(msg.columns.map((c) => [c.name, c.type])).toStrictEqual([
      ["a", ColumnType.INT64],
      ["f", ColumnType.FLOAT64],
    ]);
    expect(Buffer.from(msg.columns[0]?.data ?? []).equals(Buffer.from(new BigInt64Array([1n, 2n, -3n]).buffer))).toBe(
      true,
    );
    expect(canonical(roundTrip(t))).toStrictEqual(canonical(t));
  });

  it("keeps column order even for integer-like names, and nulls", () => {
    const t = new Table({
      b: vectorFromArray(["x", null, "é"], new Utf8()),
      "2": vectorFromArray([null, true, false]),
      "1": vectorFromArray([1n, null, 3n], new Int64()),
    });
    const back = roundTrip(t);
    expect(back.schema.fields.map((f) => f.name)).toStrictEqual(t.schema.fields.map((f) => f.name));
    expect(canonical(back)).toStrictEqual(canonical(t));
  });

  it("widens narrower ints, dictionary strings and millisecond timestamps", () => {
    const t = tableFromArrays({ i: Int32Array.of(1, -2), s: ["a", "b"] });
    const back = roundTrip(t);
    expect(String(back.schema.fields[0]?.type)).toBe("Int64");
    expect([...(back.getChild("i") ?? [])]).toStrictEqual([1n, -2n]);
    expect([...(back.getChild("s") ?? [])]).toStrictEqual(["a", "b"]);
    const ms = makeData({ type: new TimestampMillisecond("UTC"), length: 1, data: BigInt64Array.of(1500n) });
    const ts = roundTrip(new Table({ t: ms }));
    expect(String(ts.schema.fields[0]?.type)).toBe("Timestamp<NANOSECOND, UTC>");
    expect(ts.getChild("t")?.data[0]?.values[0]).toBe(1_500_000_000n);
  });

  it("concatenates multi-chunk columns", () => {
    const chunked = new Table({ x: vectorFromArray([1.5, 2.5], new Float64()) }).concat(
      new Table({ x: vectorFromArray([3.5], new Float64()) }),
    );
    expect([...(roundTrip(chunked).getChild("x") ?? [])]).toStrictEqual([1.5, 2.5, 3.5]);
  });

  it("names the column it cannot encode", () => {
    const lists = new Table({
      ok: vectorFromArray([1.5]),
      bad: vectorFromArray([[1]], new List(new Field("x", new Float64()))),
    });
    let caught: unknown;
    try {
      encodeValue({ frames: [lists] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EncodeError);
    expect((caught as EncodeError).path).toBe("$.frames[0].bad");
  });
});
