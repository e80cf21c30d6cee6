"""Runs conformance/values/*.json against the Python codec; the TypeScript suite
(packages/protocol/src/codec/conformance.spec.ts) runs the same files, so any
difference between the languages fails one of them."""

import datetime as dt
import json
import math
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import struct_pb2, timestamp_pb2, wrappers_pb2
from google.protobuf.any_pb2 import Any

from toolbridge._codec_tagged import from_tagged
from toolbridge.codec import RawExtension, ValueEncodeError, deserialize_value, serialize_value
from toolbridge.errors import EncodeError, ProtocolError
from toolbridge.v1 import values_pb2

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "conformance" / "values"


def load(direction):
    cases = []
    for path in sorted(VECTORS.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            if case["direction"] in direction:
                cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def assert_same(actual, expected, path="$"):
    """Equality that also checks types (int vs float, datetime vs Timestamp), float bits and key order."""
    if isinstance(expected, pd.DataFrame):
        assert isinstance(actual, pd.DataFrame), path
        pd.testing.assert_frame_equal(actual, expected, check_exact=True)
        return
    assert type(actual) is type(expected), f"{path}: {type(actual).__name__} != {type(expected).__name__}"
    if isinstance(expected, float):
        same_bits = struct.pack("<d", actual) == struct.pack("<d", expected)
        assert same_bits or (math.isnan(actual) and math.isnan(expected)), f"{path}: {actual!r} != {expected!r}"
    elif isinstance(expected, dict):
        assert len(actual) == len(expected), f"{path}: {list(actual)} != {list(expected)}"
        for (ka, va), (ke, ve) in zip(actual.items(), expected.items()):
            assert_same(ka, ke, f"{path}[key]")
            assert_same(va, ve, f"{path}[{ke!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{path}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, dt.datetime):
        assert actual == expected and actual.utcoffset() == expected.utcoffset(), path
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def wire(case):
    return Any(type_url=case["type_url"], value=bytes.fromhex(case["hex"]))


def test_there_are_at_least_80_vectors():
    assert len(load({"both", "decode", "decode-error", "encode-error"})) >= 80


@pytest.mark.parametrize("case", load({"both"}))
def test_encode_matches_vector(case):
    encoded = serialize_value(from_tagged(case["value"]))
    assert encoded.type_url == case["type_url"]
    assert encoded.value.hex() == case["hex"]


@pytest.mark.parametrize("case", load({"both", "decode"}))
def test_decode_matches_vector(case):
    assert_same(deserialize_value(wire(case)), from_tagged(case["value"]))


@pytest.mark.parametrize("case", load({"decode-error"}))
def test_decode_error_vector(case):
    with pytest.raises(ProtocolError) as info:
        deserialize_value(wire(case), max_depth=case.get("max_depth", 128))
    assert info.value.path == case["error"]["path"]
    assert info.value.code == "ProtocolError"


@pytest.mark.parametrize("case", load({"encode-error"}))
def test_encode_error_vector(case):
    with pytest.raises(EncodeError) as info:
        serialize_value(from_tagged(case["value"]), max_depth=case.get("max_depth", 128))
    assert isinstance(info.value, (ValueEncodeError, ValueError))
    assert info.value.path == case["error"]["path"]


REFERENCE = {
    "google.protobuf.StringValue": wrappers_pb2.StringValue,
    "google.protobuf.Int64Value": wrappers_pb2.Int64Value,
    "google.protobuf.DoubleValue": wrappers_pb2.DoubleValue,
    "google.protobuf.BoolValue": wrappers_pb2.BoolValue,
    "google.protobuf.BytesValue": wrappers_pb2.BytesValue,
    "google.protobuf.Value": struct_pb2.Value,
    "google.protobuf.ListValue": struct_pb2.ListValue,
    "google.protobuf.Struct": struct_pb2.Struct,
    "google.protobuf.Timestamp": timestamp_pb2.Timestamp,
    "toolbridge.v1.Value": values_pb2.Value,
    "pandas.DataFrame": values_pb2.Table,
}


# The reference parser stops at 100 levels of nesting (its recursion limit), so the
# depth-128 vectors are left to the codecs' own tests.
SHALLOW = [c for c in load({"both"}) if not c.values[0]["name"].startswith("depth 128")]


@pytest.mark.parametrize("case", SHALLOW)
def test_vector_bytes_are_what_the_reference_protobuf_writes(case):
    """Independent check of the hand-written encoders: the official protobuf library
    parses every vector and, re-serializing it, writes the same bytes (Struct maps have
    no fixed order there, so those compare as parsed messages)."""
    cls = REFERENCE[case["type_url"].rsplit("/", 1)[1]]
    raw = bytes.fromhex(case["hex"])
    msg = cls.FromString(raw)
    again = msg.SerializeToString()
    if "Struct" in cls.DESCRIPTOR.full_name or _has_struct(msg):
        assert cls.FromString(again) == msg
    elif case["name"] in ("float negative zero",):
        # protobuf's implicit-presence check treats -0.0 as zero and drops it; the codec keeps it.
        assert again in (raw, b"")
    else:
        assert again == raw


def _has_struct(msg):
    return isinstance(msg, (struct_pb2.Value, struct_pb2.ListValue)) and "struct_value" in str(msg.ListFields())


def test_python_2_62_in_a_dict_comes_back_from_typescript():
    """Python encodes {"x": 2**62}; the TypeScript codec (built dist, run by node) decodes
    it, checks it holds the exact bigint, re-encodes it; Python decodes the same int."""
    subprocess.run(["npx", "tsc", "-b", "packages/protocol"], cwd=REPO, check=True, timeout=600)
    sent = serialize_value({"x": 2**62})
    script = """
      import { decodeValue, encodeValue } from "./packages/protocol/dist/index.js";
      import { create } from "@bufbuild/protobuf";
      import { AnySchema } from "@bufbuild/protobuf/wkt";
      const [typeUrl, hex] = process.argv.slice(1);
      const v = decodeValue(create(AnySchema, { typeUrl, value: Buffer.from(hex, "hex") }));
      if (v.x !== 2n ** 62n) throw new Error("TypeScript decoded " + String(v.x));
      const back = encodeValue(v);
      console.log(back.typeUrl + " " + Buffer.from(back.value).toString("hex"));
    """
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, sent.type_url, sent.value.hex()],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=120,
    ).stdout.split()
    returned = Any(type_url=out[0], value=bytes.fromhex(out[1]))
    assert returned.value == sent.value
    value = deserialize_value(returned)
    assert value == {"x": 2**62} and type(value["x"]) is int


def test_unknown_extension_decodes_to_raw_form():
    case = next(c for c in load({"both"}) if c.values[0]["name"] == "extension").values[0]
    decoded = deserialize_value(wire(case))
    assert decoded == RawExtension("example.Point", b"\x01\x02")
