# test_serialization.py -- the testing strategy's cases with their assertions intact
# (the spec's listing forgot to import DoubleValue, BoolValue, NullValue, ListValue
# and Struct; they are imported here), followed by toolbridge's extra cases.
import datetime as dt
import gc
import math
import weakref

import numpy as np
import pandas as pd
import pytest
from google.protobuf.any_pb2 import Any
from google.protobuf.struct_pb2 import ListValue, NullValue, Struct
from google.protobuf.wrappers_pb2 import BoolValue, DoubleValue, Int64Value, StringValue

from grpc_tool_bridge import deserialize_value, serialize_value
from toolbridge.codec import CodecRegistry, RawExtension, ValueEncodeError
from toolbridge.errors import EncodeError, ProtocolError


class TestSerialization:
    """Test value serialization/deserialization."""

    @pytest.mark.parametrize("value,expected_type", [
        ("hello", StringValue),
        (42, Int64Value),
        (3.14, DoubleValue),
        (True, BoolValue),
        (None, NullValue),
        ([1, 2, 3], ListValue),
        ({"key": "value"}, Struct)
    ])
    def test_basic_types(self, value, expected_type):
        """Test serialization of basic Python types."""
        # Act
        serialized = serialize_value(value)
        deserialized = deserialize_value(serialized)

        # Assert
        assert isinstance(serialized, Any)
        assert deserialized == value

    def test_dataframe_serialization(self):
        """Test pandas DataFrame serialization."""
        # Arrange
        df = pd.DataFrame({
            'A': [1, 2, 3],
            'B': ['x', 'y', 'z']
        })

        # Act
        serialized = serialize_value(df)
        deserialized = deserialize_value(serialized)

        # Assert
        assert isinstance(deserialized, pd.DataFrame)
        pd.testing.assert_frame_equal(df, deserialized)
        assert serialized.type_url == "type.googleapis.com/pandas.DataFrame"

    def test_nested_structures(self):
        """Test complex nested data structures."""
        # Arrange
        data = {
            "users": [
                {"id": 1, "name": "Alice", "scores": [95, 87, 92]},
                {"id": 2, "name": "Bob", "scores": [88, 91, 85]}
            ],
            "metadata": {
                "version": "1.0",
                "count": 2
            }
        }

        # Act
        serialized = serialize_value(data)
        deserialized = deserialize_value(serialized)

        # Assert
        assert deserialized == data

    def test_unknown_type_fallback(self):
        """Test serialization of unknown types."""
        # Arrange
        class CustomObject:
            def __str__(self):
                return "custom_object"

        obj = CustomObject()

        # Act
        serialized = serialize_value(obj)
        deserialized = deserialize_value(serialized)

        # Assert
        assert deserialized == "custom_object"
        assert "python.CustomObject" in serialized.type_url


# ---------------------------------------------------------------- toolbridge's own cases

P = "type.googleapis.com/"


@pytest.mark.parametrize("value,message", [
    ("hello", StringValue),
    (42, Int64Value),
    (3.14, DoubleValue),
    (True, BoolValue),
])
def test_top_level_scalars_use_the_well_known_wrappers(value, message):
    serialized = serialize_value(value)
    assert serialized.type_url == P + message.DESCRIPTOR.full_name
    assert message.FromString(serialized.value).value == value


def test_top_level_containers_use_struct_and_list_value_when_exact():
    assert serialize_value(None).type_url == P + "google.protobuf.Value"
    assert serialize_value(["a", 1.5, None, True]).type_url == P + "google.protobuf.ListValue"
    assert serialize_value({"key": "value"}).type_url == P + "google.protobuf.Struct"


def test_ints_inside_containers_stay_ints():
    value = {"ids": [1, 2, 3], "big": 2**62, "flt": 1.0}
    back = deserialize_value(serialize_value(value))
    assert back == value
    assert [type(x) for x in back["ids"]] == [int, int, int]
    assert type(back["big"]) is int and type(back["flt"]) is float
    assert serialize_value(value).type_url == P + "toolbridge.v1.Value"


def test_non_finite_and_negative_zero_floats_survive_nested():
    back = deserialize_value(serialize_value([float("nan"), float("inf"), -math.inf, -0.0]))
    assert math.isnan(back[0]) and back[1] == math.inf and back[2] == -math.inf
    assert math.copysign(1.0, back[3]) == -1.0


def test_bytes_and_datetimes():
    aware = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    value = {"raw": b"\x00\xff", "at": aware, "naive": dt.datetime(2020, 1, 1)}
    back = deserialize_value(serialize_value(value))
    assert back["raw"] == b"\x00\xff"
    assert back["at"] == aware and back["at"].tzinfo == dt.timezone.utc
    assert back["naive"] == dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # naive is taken as UTC
    assert deserialize_value(serialize_value(b"top")) == b"top"
    assert serialize_value(aware).type_url == P + "google.protobuf.Timestamp"


def test_nanosecond_timestamps_come_back_as_pandas_timestamps():
    ts = pd.Timestamp("2024-01-02T03:04:05.123456789", tz="UTC")
    back = deserialize_value(serialize_value([ts]))[0]
    assert isinstance(back, pd.Timestamp) and back == ts and back.nanosecond == 789


def test_dict_with_non_string_keys():
    value = {1: "one", 2.5: "float", None: "none", (1, 2): "tuple", "s": 0}
    back = deserialize_value(serialize_value(value))
    assert back == value
    assert list(back) == list(value)


def test_tuples_and_numpy_scalars():
    assert deserialize_value(serialize_value((1, "a"))) == [1, "a"]
    back = deserialize_value(serialize_value([np.int64(5), np.float32(1.5), np.bool_(True)]))
    assert back == [5, 1.5, True] and [type(x) for x in back] == [int, float, bool]


def test_dataframe_dtypes_and_nulls_round_trip():
    df = pd.DataFrame({
        "i": np.array([1, -2, 3], dtype=np.int64),
        "n": pd.array([1, None, 3], dtype="Int64"),
        "f": [0.5, float("nan"), -0.0],
        "nf": pd.array([None, 1.5, 2.5], dtype="Float64"),
        "b": [True, False, True],
        "nb": pd.array([True, None, False], dtype="boolean"),
        "s": ["x", None, "é"],
        "raw": [b"\x00", None, b""],
        "t": pd.to_datetime(["2024-01-01T00:00:00.000000001", None, "1970-01-01"]),
        "tz": pd.to_datetime(["2024-06-01T12:00:00Z"] * 3).tz_convert("Europe/Paris"),
    })
    back = deserialize_value(serialize_value(df))
    pd.testing.assert_frame_equal(back, df)
    assert list(back.columns) == list(df.columns)


def test_dataframe_index_is_restored():
    df = pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="key"))
    pd.testing.assert_frame_equal(deserialize_value(serialize_value(df)), df)
    unnamed = pd.DataFrame({"v": [1, 2]}, index=[10, 20])
    pd.testing.assert_frame_equal(deserialize_value(serialize_value(unnamed)), unnamed)


def test_dataframe_numeric_columns_are_little_endian_buffers():
    from toolbridge.v1 import values_pb2

    df = pd.DataFrame({"x": np.arange(4, dtype=np.int64)})
    table = values_pb2.Table.FromString(serialize_value(df).value)
    assert table.columns[0].data == np.arange(4, dtype="<i8").tobytes()


def test_unsupported_dataframe_column_names_the_column():
    df = pd.DataFrame({"ok": [1], "bad": pd.Categorical(["a"])})
    with pytest.raises(ValueEncodeError) as info:
        serialize_value(df)
    assert info.value.path == "$.bad"
    with pytest.raises(ValueEncodeError, match="not a string"):
        serialize_value(pd.DataFrame([[1, 2]]))


def test_encode_errors_name_the_path():
    with pytest.raises(ValueEncodeError) as info:
        serialize_value({"users": [{"scores": [1]}, {"scores": [2**64]}]})
    assert info.value.path == "$.users[1].scores[0]"
    assert isinstance(info.value, ValueError) and isinstance(info.value, EncodeError)
    assert "int64" in str(info.value)


def test_cycles_are_an_encode_error():
    cyclic = {"a": [1]}
    cyclic["a"].append(cyclic)
    with pytest.raises(ValueEncodeError, match="cyclic") as info:
        serialize_value(cyclic)
    assert info.value.path == "$.a[1]"
    shared = [1]
    assert deserialize_value(serialize_value([shared, shared])) == [[1], [1]]  # sharing is not a cycle


def test_lone_surrogate_is_an_encode_error():
    with pytest.raises(ValueEncodeError, match="surrogate") as info:
        serialize_value({"k": ["\ud800"]})
    assert info.value.path == "$.k[0]"


def test_depth_limit_is_configurable():
    deep = [[[["x"]]]]
    assert deserialize_value(serialize_value(deep, max_depth=4)) == deep
    with pytest.raises(ValueEncodeError, match="deeper than 3"):
        serialize_value(deep, max_depth=3)
    with pytest.raises(ProtocolError, match="deeper than 2"):
        deserialize_value(serialize_value(deep), max_depth=2)


def test_very_deep_wire_input_is_a_protocol_error_not_a_crash():
    body = b"\x18\x02"  # int 1
    for _ in range(10_000):
        inner = body
        body = b"\x42" + _varint(len(inner) + 1 + len(_varint(len(inner)))) + b"\x0a" + _varint(len(inner)) + inner
    with pytest.raises(ProtocolError, match="deeper than 128"):
        deserialize_value(Any(type_url=P + "toolbridge.v1.Value", value=body))


def _varint(n):
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def test_unknown_type_url_and_corrupt_bytes():
    with pytest.raises(ProtocolError, match="unknown type_url"):
        deserialize_value(Any(type_url=P + "acme.Thing", value=b""))
    with pytest.raises(ProtocolError, match="truncated"):
        deserialize_value(Any(type_url=P + "google.protobuf.StringValue", value=b"\x0a\x09abc"))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


def test_user_codecs_round_trip_and_unknown_ones_stay_raw():
    codecs = CodecRegistry()
    codecs.register("example.Point", Point, lambda p: bytes([p.x, p.y]), lambda b: Point(b[0], b[1]))
    value = {"where": Point(1, 2)}
    wire = serialize_value(value, codecs=codecs)
    assert deserialize_value(wire, codecs=codecs) == value
    raw = deserialize_value(wire, codecs=CodecRegistry())
    assert raw == {"where": RawExtension("example.Point", b"\x01\x02")}
    assert serialize_value(raw).value == wire.value  # a relay without the codec keeps the bytes
    with pytest.raises(ValueError, match="already registered"):
        codecs.register("example.Point", Point, bytes, bytes)


def test_failing_user_codec_is_reported_with_its_name():
    codecs = CodecRegistry()
    codecs.register("example.Bad", Point, lambda p: 1 / 0, lambda b: 1 / 0)
    with pytest.raises(ValueEncodeError, match="example.Bad") as info:
        serialize_value([Point(1, 2)], codecs=codecs)
    assert info.value.path == "$[0]"
    wire = serialize_value([RawExtension("example.Bad", b"x")])
    with pytest.raises(ProtocolError, match="example.Bad"):
        deserialize_value(wire, codecs=codecs)


def test_encoding_keeps_nothing_of_its_caller_alive():
    """A dict with an int falls back from Struct form to Value form internally. That
    fallback once raised a shared exception instance whose traceback kept the caller's
    frame (here: the marker; in the test suite: a grpc.aio channel and server) alive
    until interpreter exit, where grpc's teardown then failed."""

    class Marker:
        pass

    def encode_while_holding(marker):
        return serialize_value({"n": 1, "nested": [1.5, {"k": 2}]})

    marker = Marker()
    alive = weakref.ref(marker)
    assert deserialize_value(encode_while_holding(marker)) == {"n": 1, "nested": [1.5, {"k": 2}]}
    del marker
    gc.collect()
    assert alive() is None
