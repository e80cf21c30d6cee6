"""Hypothesis: arbitrary nested values round-trip exactly, encoding is deterministic,
and corrupted bytes never decode to a wrong value silently (decode or ProtocolError)."""

import datetime as dt

from google.protobuf.any_pb2 import Any
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbridge.codec import deserialize_value, serialize_value
from toolbridge.errors import ProtocolError

from tests.test_conformance import assert_same

int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
text = st.text(st.characters(blacklist_categories=("Cs",)))  # no lone surrogates: those are an encode error
stamps = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    timezones=st.just(dt.timezone.utc),
)
scalars = st.one_of(st.none(), st.booleans(), int64, st.floats(), text, st.binary(max_size=16), stamps)
keys = st.one_of(text, int64, st.booleans(), st.none(), st.floats(allow_nan=False))

values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(text, children, max_size=5),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(values)
def test_round_trip_is_exact(value):
    assert_same(deserialize_value(serialize_value(value)), value)


@settings(max_examples=200, deadline=None)
@given(values)
def test_reencoding_gives_the_same_bytes(value):
    first = serialize_value(value)
    second = serialize_value(deserialize_value(first))
    assert (second.type_url, second.value) == (first.type_url, first.value)


@settings(max_examples=200, deadline=None)
@given(values, st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_corrupted_bytes_decode_or_raise_protocol_error(value, at, byte):
    wire = serialize_value(value)
    if not wire.value:
        return
    raw = bytearray(wire.value)
    raw[at % len(raw)] = byte
    try:
        deserialize_value(Any(type_url=wire.type_url, value=bytes(raw)))
    except ProtocolError:
        pass
