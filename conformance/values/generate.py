"""Writes the conformance vectors (run: cd python && /usr/bin/python3 ../conformance/values/generate.py).

Values are written by hand in the tagged notation of README.md. `both` cases get their
hex from the Python codec; the TypeScript suite must produce the same bytes and
python/tests/test_conformance.py re-parses every one with the reference protobuf
library. decode-only and error cases are built byte by byte here, independently of
either codec. Rerun only when the wire format changes on purpose; review the diff.
"""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from toolbridge._codec_tagged import from_tagged  # noqa: E402
from toolbridge.codec import serialize_value  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
P = "type.googleapis.com/"


def I(n):  # noqa: E743
    return {"$int": str(n)}


def F(s):
    return {"$float": s}


def B(b64):
    return {"$bytes": b64}


def TS(s):
    return {"$ts": s}


# ---- hand-built wire bytes for decode-only and error vectors
def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while v > 0x7F:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(num, wt, payload):
    return varint(num << 3 | wt) + payload


def ld(num, body):
    return field(num, 2, varint(len(body)) + body)


def dbl(num, v):
    return field(num, 1, struct.pack("<d", v))


def zz(v):
    return varint((v << 1) if v >= 0 else ((-v) << 1) - 1)


# toolbridge.v1.Value kinds
def v_int(n):
    return field(3, 0, zz(n))


def v_str(s):
    return ld(5, s.encode() if isinstance(s, str) else s)


def v_list(*items):
    return ld(8, b"".join(ld(1, i) for i in items))


def v_map(*entries):
    return ld(9, b"".join(ld(1, e) for e in entries))


def entry(key, value):
    return ld(1, key.encode()) + ld(2, value)


# google.protobuf.Value kinds
def s_num(v):
    return dbl(2, v)


def s_str(s):
    return ld(3, s.encode())


def s_list(*items):
    return ld(6, b"".join(ld(1, i) for i in items))


def s_struct(*entries):
    return ld(5, b"".join(ld(1, e) for e in entries))


def nest_list(depth, leaf):
    """`depth` nested ValueLists around leaf (a Value body)."""
    body = leaf
    for _ in range(depth):
        body = v_list(body)
    return body


def nested(depth, leaf):
    v = leaf
    for _ in range(depth):
        v = [v]
    return v


SPEC_NESTED = {
    "users": [
        {"id": I(1), "name": "Alice", "scores": [I(95), I(87), I(92)]},
        {"id": I(2), "name": "Bob", "scores": [I(88), I(91), I(85)]},
    ],
    "metadata": {"version": "1.0", "count": I(2)},
}

BOTH = {
    "scalars": [
        ("string", "hello"),
        ("empty string", ""),
        ("unicode string", "héllo wörld ✓"),
        ("astral string", "😀 grin"),
        ("control characters", "\u0000\n\t\u001f"),
        ("127 ascii chars", "a" * 127),
        ("200 char string", "xy" * 100),
        ("int zero", I(0)),
        ("int 42", I(42)),
        ("int -1", I(-1)),
        ("int 2^31", I(2**31)),
        ("int max safe", I(2**53 - 1)),
        ("int 2^53", I(2**53)),
        ("int 2^53+1", I(2**53 + 1)),
        ("int64 max", I(2**63 - 1)),
        ("int64 min", I(-(2**63))),
        ("int min safe", I(-(2**53 - 1))),
        ("float 3.14", F("3.14")),
        ("float zero", F("0")),
        ("float negative zero", F("-0")),
        ("float NaN", F("NaN")),
        ("float Infinity", F("Infinity")),
        ("float -Infinity", F("-Infinity")),
        ("integral float 1.0", F("1")),
        ("float 1e300", F("1e300")),
        ("float smallest subnormal", F("5e-324")),
        ("float 2^60", F("1152921504606846976")),
        ("true", True),
        ("false", False),
        ("null", None),
        ("empty bytes", B("")),
        ("bytes", B("AAH/")),
        ("timestamp epoch", TS("1970-01-01T00:00:00Z")),
        ("timestamp millis", TS("2023-11-14T22:13:20.123Z")),
        ("timestamp micros", TS("2023-11-14T22:13:20.123456Z")),
        ("timestamp nanos", TS("2023-11-14T22:13:20.123456789Z")),
        ("timestamp before epoch", TS("1969-12-31T23:59:59.999Z")),
        ("timestamp year 1", TS("0001-01-01T00:00:00Z")),
        ("timestamp year 9999", TS("9999-12-31T23:59:59.999999Z")),
    ],
    "containers": [
        ("empty list", []),
        ("empty dict", {}),
        ("list of strings", ["a", "b"]),
        ("list of ints", [I(1), I(2), I(3)]),
        ("struct-safe list", [F("1.5"), "x", None, True]),
        ("spec dict", {"key": "value"}),
        ("dict with int", {"a": I(1)}),
        ("spec nested structures", SPEC_NESTED),
        ("python 2**62 in a dict", {"x": I(2**62)}),
        ("int beyond 2^53 in a list", [I(2**53 + 1)]),
        ("NaN in a list", [F("NaN")]),
        ("-0 in a list", [F("-0")]),
        ("integral float in a list", [F("1")]),
        ("float and int side by side", {"f": F("2"), "i": I(2)}),
        ("int and float in a list", [I(1), F("1.5")]),
        ("bytes in a list", [B("AQI=")]),
        ("timestamp in a dict", {"at": TS("2024-02-29T12:00:00Z")}),
        ("struct empty key", {"": "empty key"}),
        ("value-form empty key", {"": I(1)}),
        ("odd keys", {"odd key": "a", "ünï": "b", "1st": "c"}),
        ("__proto__ key", {"$map": [["__proto__", "not a prototype"]]}),
        ("dollar key", {"$map": [["$ref", "x"]]}),
        ("nested empties", [[], {}]),
        ("deep struct", {"a": {"b": {"c": [True, False]}}}),
        ("null in a list", [None]),
        ("200 item list", ["s"] * 200),
        ("depth 128 lists", nested(127, [])),
        ("depth 128 with an int", nested(127, [I(7)])),
        ("int key map", {"$map": [[I(1), "a"], ["b", I(2)]]}),
        ("bool and null keys", {"$map": [[True, "t"], [None, "n"]]}),
        ("float key", {"$map": [[F("1.5"), "x"]]}),
        ("bytes key", {"$map": [[B("AQ=="), "x"]]}),
        ("list key", {"$map": [[[I(1), I(2)], "pair"]]}),
        ("timestamp key", {"$map": [[TS("2020-01-01T00:00:00Z"), "new year"]]}),
        ("extension", {"$ext": {"type": "example.Point", "data": "AQI="}}),
        ("extension in a list", [{"$ext": {"type": "example.Point", "data": "AQI="}}, "x"]),
        ("extension without data", {"$ext": {"type": "example.Marker", "data": ""}}),
        ("mixed deep value", {"rows": [{"k": B("AA=="), "t": TS("2000-01-01T00:00:00.5Z"), "n": None}]}),
    ],
    "tables": [
        (
            "spec dataframe",
            {"$table": {"columns": [
                {"name": "A", "type": "int64", "values": [I(1), I(2), I(3)]},
                {"name": "B", "type": "string", "values": ["x", "y", "z"]},
            ]}},
        ),
        (
            "float and bool columns",
            {"$table": {"columns": [
                {"name": "f", "type": "float64", "values": [F("1.5"), F("NaN"), F("-0")]},
                {"name": "b", "type": "bool", "values": [True, False, True]},
            ]}},
        ),
        (
            "nullable int and string",
            {"$table": {"columns": [
                {"name": "n", "type": "int64", "values": [I(1), None, I(-3)]},
                {"name": "s", "type": "string", "values": [None, "é", ""]},
            ]}},
        ),
        (
            "nullable float and bool",
            {"$table": {"columns": [
                {"name": "f", "type": "float64", "values": [None, F("2.5")]},
                {"name": "b", "type": "bool", "values": [True, None]},
            ]}},
        ),
        (
            "bytes column",
            {"$table": {"columns": [{"name": "raw", "type": "bytes", "values": [B("AAE="), None, B("")]}]}},
        ),
        (
            "naive timestamps with NaT",
            {"$table": {"columns": [{"name": "t", "type": "timestamp",
                                      "values": ["2024-01-02T03:04:05.123456789Z", None]}]}},
        ),
        (
            "timestamps with a zone",
            {"$table": {"columns": [{"name": "t", "type": "timestamp", "timezone": "Europe/Paris",
                                      "values": ["2024-06-01T12:00:00Z", "1970-01-01T00:00:00Z"]}]}},
        ),
        (
            "empty table",
            {"$table": {"columns": [
                {"name": "a", "type": "int64", "values": []},
                {"name": "b", "type": "string", "values": []},
            ]}},
        ),
        (
            "table with an index",
            {"$table": {"index": ["key"], "columns": [
                {"name": "key", "type": "string", "values": ["a", "b"]},
                {"name": "v", "type": "float64", "values": [F("0.5"), F("1.5")]},
            ]}},
        ),
        (
            "table inside a list",
            [{"$table": {"columns": [{"name": "x", "type": "int64", "values": [I(5)]}]}}, I(1)],
        ),
    ],
}

STRING_VALUE = P + "google.protobuf.StringValue"
DECODE = [
    ("legacy struct with a number", P + "google.protobuf.Struct", ld(1, entry("a", s_num(1.0))), {"a": F("1")}),
    ("legacy list of doubles", P + "google.protobuf.ListValue", ld(1, s_num(1.0)) + ld(1, s_num(2.0)), [F("1"), F("2")]),
    ("legacy value number", P + "google.protobuf.Value", s_num(5.0), F("5")),
    ("legacy value string", P + "google.protobuf.Value", s_str("s"), "s"),
    ("legacy value struct", P + "google.protobuf.Value", s_struct(entry("k", s_list(s_str("v")))), {"k": ["v"]}),
    ("Int32Value negative", P + "google.protobuf.Int32Value", field(1, 0, varint(-3)), I(-3)),
    ("UInt32Value", P + "google.protobuf.UInt32Value", field(1, 0, varint(4000000000)), I(4000000000)),
    ("UInt64Value max", P + "google.protobuf.UInt64Value", field(1, 0, varint(2**64 - 1)), I(2**64 - 1)),
    ("FloatValue", P + "google.protobuf.FloatValue", field(1, 5, struct.pack("<f", 1.5)), F("1.5")),
    ("python unknown object", P + "python.CustomObject", ld(1, b"custom_object"), "custom_object"),
    ("typescript unknown object", P + "typescript.Widget", ld(1, b"[object Widget]"), "[object Widget]"),
    ("unknown field skipped", STRING_VALUE, field(2, 0, varint(7)) + ld(1, b"ok"), "ok"),
    ("last oneof kind wins", P + "toolbridge.v1.Value", v_str("first") + v_int(9), I(9)),
    ("absent double is zero", P + "google.protobuf.DoubleValue", b"", F("0")),
    ("duplicate struct key keeps the last", P + "google.protobuf.Struct",
     ld(1, entry("a", s_str("x"))) + ld(1, entry("b", s_str("y"))) + ld(1, entry("a", s_str("z"))), {"a": "z", "b": "y"}),
    ("other type_url host", "example.com/google.protobuf.StringValue", ld(1, b"hi"), "hi"),
    ("bool varint 2 is true", P + "google.protobuf.BoolValue", field(1, 0, varint(2)), True),
    ("toolbridge.v1.Table alias", P + "toolbridge.v1.Table", field(1, 0, varint(0)), {"$table": {"columns": []}}),
    ("non-canonical padded varint", P + "google.protobuf.Int64Value", field(1, 0, b"\x85\x80\x00"), I(5)),
    ("struct entry with value first", P + "google.protobuf.Struct",
     ld(1, ld(2, s_str("v")) + ld(1, b"k")), {"k": "v"}),
]


def col(name, typ, data=b"", offsets=b"", validity=b""):
    body = ld(1, name.encode()) + field(2, 0, varint(typ))
    for num, b in ((3, data), (4, offsets), (5, validity)):
        if b:
            body += ld(num, b)
    return body


def table(n, *cols):
    return (field(1, 0, varint(n)) if n else b"") + b"".join(ld(2, c) for c in cols)


TB = P + "toolbridge.v1.Value"
ERRORS = [
    ("unknown type_url", P + "foo.Bar", b"", "$", None),
    ("truncated string", STRING_VALUE, b"\x0a\x05hi", "$", None),
    ("truncated list element", TB, ld(8, ld(1, v_int(1)) + b"\x0a\x09" + v_int(2)), "$[1]", None),
    ("invalid UTF-8 in a map value", TB, v_map(entry("a", v_str(b"\xff"))), "$.a", None),
    ("encoded lone surrogate", STRING_VALUE, ld(1, b"\xed\xa0\x80"), "$", None),
    ("depth 129 lists", TB, nest_list(129, v_int(1)), "$" + "[0]" * 128, None),
    ("depth over a configured 4", TB, nest_list(5, v_int(1)), "$[0][0][0][0]", 4),
    ("depth 129 structs", P + "google.protobuf.Value",
     (lambda b: [b := s_struct(entry("a", b)) for _ in range(129)][-1])(s_num(1.5)), "$" + ".a" * 128, None),
    ("value with no kind", TB, b"", "$", None),
    ("map value with no kind", TB, v_map(entry("users", v_list(v_map(entry("id", b""))))), "$.users[0].id", None),
    ("map entry without value", TB, v_map(ld(1, b"k")), "$.k", None),
    ("wrong wire type", P + "google.protobuf.Int64Value", ld(1, b"x"), "$", None),
    ("overlong varint", P + "google.protobuf.Int64Value", field(1, 0, b"\xff" * 10 + b"\x01"), "$", None),
    ("timestamp nanos out of range", P + "google.protobuf.Timestamp", field(2, 0, varint(10**9)), "$", None),
    ("timestamp year 10000", TB, ld(7, field(1, 0, varint(253402300800))), "$", None),
    ("odd key in the path", TB, v_map(entry("odd key", v_list(b""))), '$["odd key"][0]', None),
    ("bad non-string key", TB, v_map(ld(2, v_int(1)) + ld(3, v_str(b"\xc0"))), "$[key#0]", None),
    ("bad value of a non-string key", TB, v_map(ld(2, b"") + ld(3, v_int(1))), "$[#0]", None),
    ("group wire type", STRING_VALUE, b"\x0b", "$", None),
    ("table column too short", P + "pandas.DataFrame", table(2, col("A", 1, b"\x00" * 8)), "$.A", None),
    ("table offsets past the data", P + "pandas.DataFrame",
     table(1, col("s", 4, b"ab", struct.pack("<2q", 0, 5))), "$.s", None),
    ("table bool byte 2", P + "pandas.DataFrame", table(1, col("b", 3, b"\x02")), "$.b", None),
    ("table in a value list", TB, v_list(ld(10, table(1, col("c", 2, b"\x00")))), "$[0].c", None),
    ("unknown column type", P + "pandas.DataFrame", table(0, col("x", 99)), "$.x", None),
]

ENCODE_ERRORS = [
    ("int 2^63", I(2**63), "$", None),
    ("int below int64 in a nested list", {"users": [{"scores": [I(1), I(-(2**63) - 1)]}]}, "$.users[0].scores[1]", None),
    ("lone surrogate", "\ud800", "$", None),
    ("nested lone surrogate", {"a": ["ok", "x\udc00"]}, "$.a[1]", None),
    ("depth 129 encode", nested(128, []), "$" + "[0]" * 128, None),
    ("depth over a configured 3", nested(3, ["x"]), "$[0][0][0]", 3),
    ("int key out of range", {"$map": [[I(2**64), "x"]]}, "$[key#0]", None),
]


def main():
    for group, cases in BOTH.items():
        out = []
        for name, value in cases:
            a = serialize_value(from_tagged(value))
            out.append({"name": name, "direction": "both", "value": value, "type_url": a.type_url, "hex": a.value.hex()})
        write(group, out)
    write("decode-only", [
        {"name": n, "direction": "decode", "type_url": url, "hex": b.hex(), "value": v} for n, url, b, v in DECODE
    ])
    errors = []
    for name, url, b, path, depth in ERRORS:
        case = {"name": name, "direction": "decode-error", "type_url": url, "hex": b.hex(),
                "error": {"type": "ProtocolError", "path": path}}
        if depth:
            case["max_depth"] = depth
        errors.append(case)
    for name, value, path, depth in ENCODE_ERRORS:
        case = {"name": name, "direction": "encode-error", "value": value, "error": {"type": "EncodeError", "path": path}}
        if depth:
            case["max_depth"] = depth
        errors.append(case)
    write("errors", errors)


def write(group, cases):
    with open(os.path.join(HERE, f"{group}.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=True, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
