"""The lossless value codec: Python values <-> google.protobuf.Any.

Top level, as the testing strategy says: str -> StringValue, int -> Int64Value,
float -> DoubleValue, bool -> BoolValue, None -> Value(null), list -> ListValue,
dict -> Struct, DataFrame -> pandas.DataFrame, other objects -> their str() under
python.<ClassName>. Lossless where ListValue/Struct cannot be: a list or dict
holding anything they cannot carry exactly (ints, bytes, NaN/inf/-0.0,
datetimes, tables, non-string keys, extensions) travels as toolbridge.v1.Value.
The TypeScript codec (packages/protocol/src/codec) writes identical bytes;
conformance/values pins both. See docs/values.md.
"""

from __future__ import annotations

import datetime as _dt
import math
import sys
from dataclasses import dataclass
from typing import Any as _Any
from typing import Callable, Dict, List, Optional

from google.protobuf.any_pb2 import Any

from toolbridge._codec_time import read_timestamp, timestamp_body, timestamp_parts
from toolbridge._codec_wire import (
    WIRE_FIXED32,
    WIRE_FIXED64,
    WIRE_LEN,
    WIRE_VARINT,
    EntrySegment,
    PathError,
    Reader,
    double,
    int64,
    length_delimited,
    sint64,
    utf8,
    varint,
)
from toolbridge.errors import EncodeError, ProtocolError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "CodecRegistry",
    "RawExtension",
    "ValueEncodeError",
    "default_codecs",
    "deserialize_value",
    "register_codec",
    "serialize_value",
]

DEFAULT_MAX_DEPTH = 128  # DEFAULT_LIMITS.maxValueDepth
TYPE_URL_PREFIX = "type.googleapis.com/"
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

T_STRING = "google.protobuf.StringValue"
T_INT64 = "google.protobuf.Int64Value"
T_DOUBLE = "google.protobuf.DoubleValue"
T_BOOL = "google.protobuf.BoolValue"
T_BYTES = "google.protobuf.BytesValue"
T_VALUE = "google.protobuf.Value"
T_LIST = "google.protobuf.ListValue"
T_STRUCT = "google.protobuf.Struct"
T_TIMESTAMP = "google.protobuf.Timestamp"
T_TOOLBRIDGE_VALUE = "toolbridge.v1.Value"
T_TABLE = "pandas.DataFrame"
T_TOOLBRIDGE_TABLE = "toolbridge.v1.Table"
FALLBACK_PREFIXES = ("typescript.", "python.")

# Tags of google.protobuf.Value ("struct form") and toolbridge.v1.Value.
S_NULL, S_NUMBER, S_STRING, S_BOOL, S_STRUCT, S_LIST = 8, 17, 26, 32, 42, 50
V_NULL, V_BOOL, V_INT, V_DOUBLE, V_STRING, V_BYTES = 8, 16, 24, 33, 42, 50
V_TIMESTAMP, V_LIST, V_MAP, V_TABLE, V_EXTENSION = 58, 66, 74, 82, 90
ENTRY, KEY, VALUE, KEY_VALUE = 10, 10, 18, 26

FIELD_1 = 1 << 1
FIELDS_1_2 = FIELD_1 | (1 << 2)
FIELDS_1_2_3 = FIELDS_1_2 | (1 << 3)
STRUCT_VALUE_FIELDS = 0b1111110
VALUE_FIELDS = 0b111111111110


class ValueEncodeError(EncodeError, ValueError):
    """A caller's value that cannot be encoded; `path` says where (e.g. `$.users[1]`)."""


@dataclass(frozen=True)
class RawExtension:
    """An extension value whose codec is not registered here; re-encodes to the same bytes."""

    type_name: str
    data: bytes


@dataclass(frozen=True)
class _Codec:
    name: str
    cls: type
    encode: Callable[[_Any], bytes]
    decode: Callable[[bytes], _Any]


class CodecRegistry:
    """User codecs: instances of `cls` travel as ExtensionValue{type_name=name, data=encode(v)}."""

    def __init__(self) -> None:
        self._by_name: Dict[str, _Codec] = {}
        self._by_type: Dict[type, _Codec] = {}

    def register(self, name: str, cls: type, encode: Callable[[_Any], bytes], decode: Callable[[bytes], _Any]) -> None:
        if not name:
            raise ValueError("a value codec needs a non-empty name")
        if name in self._by_name:
            raise ValueError(f"a value codec named {name} is already registered")
        codec = _Codec(name, cls, encode, decode)
        self._by_name[name] = codec
        self._by_type[cls] = codec

    def unregister(self, name: str) -> bool:
        codec = self._by_name.pop(name, None)
        if codec is None:
            return False
        self._by_type.pop(codec.cls, None)
        return True

    def __len__(self) -> int:
        return len(self._by_name)

    def for_value(self, v: object) -> Optional[_Codec]:
        codec = self._by_type.get(type(v))
        if codec is not None:
            return codec
        for codec in self._by_type.values():
            if isinstance(v, codec.cls):
                return codec
        return None

    def by_name(self, name: str) -> Optional[_Codec]:
        return self._by_name.get(name)


default_codecs = CodecRegistry()


def register_codec(name: str, cls: type, encode: Callable[[_Any], bytes], decode: Callable[[bytes], _Any]) -> None:
    """Registers a codec for instances of `cls` in the default registry (name must match the TS side)."""
    default_codecs.register(name, cls, encode, decode)


class _NotStruct(Exception):
    """Struct form met something only toolbridge.v1.Value can carry.

    Raised as a fresh instance each time: a shared module-level instance keeps the
    traceback of its last raise, and through its frames every caller's locals (a
    client, its grpc.aio channel, the values), for the life of the process."""


def _is_dataframe(v: object) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(v, pd.DataFrame)


def _np_scalar(v: object):
    """numpy scalars as Python int/float/bool (np.float64 already is a float)."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return None


def _is_plain_float(v: float) -> bool:
    """Floats ListValue/Struct carry exactly in every peer: finite and not -0.0."""
    return math.isfinite(v) and not (v == 0.0 and math.copysign(1.0, v) < 0)


def _check_int(v: int) -> None:
    if not INT64_MIN <= v <= INT64_MAX:
        raise PathError("integer outside int64")


class _Encoder:
    def __init__(self, max_depth: int, codecs: CodecRegistry, struct: bool) -> None:
        self.max_depth = max_depth
        self.codecs = codecs
        self.struct = struct
        self.stack: List[int] = []

    def node(self, out: bytearray, v: object, depth: int) -> None:
        """Appends one Value message body (its oneof field) for v."""
        t = type(v)
        if t is str:
            length_delimited(out, S_STRING if self.struct else V_STRING, utf8(v))  # type: ignore[arg-type]
        elif t is bool:
            out.append(S_BOOL if self.struct else V_BOOL)
            out.append(1 if v else 0)
        elif t is int:
            if self.struct:
                raise _NotStruct
            _check_int(v)  # type: ignore[arg-type]
            out.append(V_INT)
            sint64(out, v)  # type: ignore[arg-type]
        elif t is float:
            self.double(out, v)  # type: ignore[arg-type]
        elif v is None:
            out.append(V_NULL)
            out.append(0)
        elif t is list or t is tuple or t is dict:
            self.container(out, v, depth)
        else:
            self.other(out, v, depth)

    def double(self, out: bytearray, v: float) -> None:
        if self.struct:
            if not _is_plain_float(v):
                raise _NotStruct
            out.append(S_NUMBER)
        else:
            out.append(V_DOUBLE)
        double(out, v)

    def container(self, out: bytearray, v, depth: int) -> None:
        if depth > self.max_depth:
            raise PathError(f"nesting deeper than {self.max_depth}")
        ident = id(v)
        if ident in self.stack:
            raise PathError("cyclic reference")
        self.stack.append(ident)
        body = bytearray()
        if isinstance(v, dict):
            self.dict_body(body, v, depth)
            length_delimited(out, S_STRUCT if self.struct else V_MAP, body)
        else:
            self.list_body(body, v, depth)
            length_delimited(out, S_LIST if self.struct else V_LIST, body)
        self.stack.pop()

    def list_body(self, out: bytearray, v, depth: int) -> None:
        for i, item in enumerate(v):
            body = bytearray()
            try:
                self.node(body, item, depth + 1)
            except PathError as err:
                err.segments.append(i)
                raise
            length_delimited(out, ENTRY, body)

    def dict_body(self, out: bytearray, v: dict, depth: int) -> None:
        for i, (k, item) in enumerate(v.items()):
            entry = bytearray()
            if type(k) is str or isinstance(k, str):
                try:
                    key = utf8(k)
                    # Struct map entries always carry the key; ValueMapEntry omits an empty one.
                    if self.struct or key:
                        length_delimited(entry, KEY, key)
                    body = bytearray()
                    self.node(body, item, depth + 1)
                except PathError as err:
                    err.segments.append(k)
                    raise
                length_delimited(entry, VALUE, body)
            else:
                if self.struct:
                    raise _NotStruct
                body = bytearray()
                try:
                    self.node(body, item, depth + 1)
                except PathError as err:
                    err.segments.append(EntrySegment(i, False))
                    raise
                length_delimited(entry, VALUE, body)
                key_body = bytearray()
                try:
                    self.node(key_body, k, depth + 1)
                except PathError as err:
                    err.segments.append(EntrySegment(i, True))
                    raise
                length_delimited(entry, KEY_VALUE, key_body)
            length_delimited(out, ENTRY, entry)

    def other(self, out: bytearray, v: object, depth: int) -> None:
        if isinstance(v, range):
            self.container(out, list(v), depth)
            return
        if len(self.codecs):
            codec = self.codecs.for_value(v)
            if codec is not None:
                self.extension(out, codec.name, _codec_encode(codec, v))
                return
        if isinstance(v, bool):
            self.node(out, bool(v), depth)
        elif isinstance(v, int):
            self.node(out, int(v), depth)
        elif isinstance(v, float):
            self.double(out, float(v))
        elif isinstance(v, str):
            self.node(out, str(v), depth)
        elif isinstance(v, (list, tuple, dict)):
            self.container(out, v, depth)
        elif isinstance(v, (bytes, bytearray, memoryview)):
            if self.struct:
                raise _NotStruct
            length_delimited(out, V_BYTES, bytes(v))
        elif isinstance(v, _dt.datetime):
            if self.struct:
                raise _NotStruct
            length_delimited(out, V_TIMESTAMP, timestamp_body(*timestamp_parts(v)))
        elif _is_dataframe(v):
            if self.struct:
                raise _NotStruct
            from toolbridge._table import dataframe_to_table

            length_delimited(out, V_TABLE, dataframe_to_table(v))
        elif isinstance(v, RawExtension):
            self.extension(out, v.type_name, v.data)
        else:
            scalar = _np_scalar(v)
            if scalar is not None:
                self.node(out, scalar, depth)
                return
            # Unknown object: its string form (the class name only appears at the top level).
            length_delimited(out, S_STRING if self.struct else V_STRING, utf8(_string_form(v)))

    def extension(self, out: bytearray, name: str, data: bytes) -> None:
        if self.struct:
            raise _NotStruct
        body = bytearray()
        if name:
            length_delimited(body, 10, utf8(name))
        if data:
            length_delimited(body, 18, bytes(data))
        length_delimited(out, V_EXTENSION, body)


def _codec_encode(codec: _Codec, v: object) -> bytes:
    try:
        return bytes(codec.encode(v))
    except PathError:
        raise
    except Exception as err:  # the user's codec failed: say which, keep the cause
        raise PathError(f"codec {codec.name} failed to encode: {err}") from err


def _string_form(v: object) -> str:
    try:
        return str(v)
    except Exception as err:
        raise PathError(f"cannot take the string form of a {type(v).__name__}: {err}") from err


def _any(name: str, value: bytes) -> Any:
    return Any(type_url=TYPE_URL_PREFIX + name, value=bytes(value))


def _wrapper(name: str, tag: int, payload: Optional[bytes]) -> Any:
    """A wrapper message whose single field 1 is omitted when zero (proto3)."""
    out = bytearray()
    if payload is not None:
        out.append(tag)
        out += payload
    return _any(name, out)


def _int_wrapper(v: int) -> Any:
    _check_int(v)
    if v == 0:
        return _any(T_INT64, b"")
    out = bytearray([8])
    int64(out, v)
    return _any(T_INT64, out)


def _double_wrapper(v: float) -> Any:
    if v == 0.0 and math.copysign(1.0, v) > 0:
        return _any(T_DOUBLE, b"")
    out = bytearray([9])
    double(out, v)
    return _any(T_DOUBLE, out)


def _len_payload(b: bytes) -> Optional[bytes]:
    if not b:
        return None
    out = bytearray()
    varint(out, len(b))
    out += b
    return bytes(out)


def _encode_top(value: object, max_depth: int, codecs: CodecRegistry) -> Any:
    t = type(value)
    if value is None:
        return _any(T_VALUE, b"\x08\x00")
    if len(codecs) and t not in (str, int, float, bool, list, dict):
        codec = codecs.for_value(value)
        if codec is not None:
            return _value_form(value, max_depth, codecs)
    if isinstance(value, bool):
        return _wrapper(T_BOOL, 8, b"\x01" if value else None)
    if isinstance(value, int):
        return _int_wrapper(int(value))
    if isinstance(value, float):
        return _double_wrapper(float(value))
    if isinstance(value, str):
        return _wrapper(T_STRING, 10, _len_payload(utf8(value)))
    if isinstance(value, range):
        # A range is a lazy list of ints: it travels as that list, not as its repr.
        value = list(value)
    if isinstance(value, (list, tuple, dict)):
        try:
            body = bytearray()
            enc = _Encoder(max_depth, codecs, True)
            if isinstance(value, dict):
                enc.container(body, value, 1)
                return _any(T_STRUCT, _strip_outer(body))
            enc.container(body, value, 1)
            return _any(T_LIST, _strip_outer(body))
        except _NotStruct:
            return _value_form(value, max_depth, codecs)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _wrapper(T_BYTES, 10, _len_payload(bytes(value)))
    if isinstance(value, _dt.datetime):
        return _any(T_TIMESTAMP, timestamp_body(*timestamp_parts(value)))
    if _is_dataframe(value):
        from toolbridge._table import dataframe_to_table

        return _any(T_TABLE, dataframe_to_table(value))
    if isinstance(value, RawExtension):
        return _value_form(value, max_depth, codecs)
    scalar = _np_scalar(value)
    if scalar is not None:
        return _encode_top(scalar, max_depth, codecs)
    return _wrapper(f"python.{type(value).__name__}", 10, _len_payload(utf8(_string_form(value))))


def _value_form(value: object, max_depth: int, codecs: CodecRegistry) -> Any:
    body = bytearray()
    _Encoder(max_depth, codecs, False).node(body, value, 1)
    return _any(T_TOOLBRIDGE_VALUE, body)


def _strip_outer(body: bytearray) -> bytes:
    """Struct form wrote `tag len body`; a top-level ListValue/Struct is just the body."""
    r = Reader(bytes(body), 1)
    start, end = r.span()
    return bytes(body[start:end])


def serialize_value(value: object, *, max_depth: int = DEFAULT_MAX_DEPTH, codecs: Optional[CodecRegistry] = None) -> Any:
    """Encodes a Python value as google.protobuf.Any, losslessly (docs/values.md).

    Raises ValueEncodeError (an EncodeError and a ValueError) with a path such as
    `$.users[1].scores[0]` for an int outside int64, a lone surrogate, a cycle,
    nesting deeper than max_depth, or an unsupported DataFrame column.
    """
    try:
        return _encode_top(value, max_depth, default_codecs if codecs is None else codecs)
    except PathError as err:
        raise ValueEncodeError(err.message, path=err.path(), cause=err.__cause__) from err
    except RecursionError as err:
        raise ValueEncodeError("value nested too deeply for the Python stack", cause=err) from err


# ---------------------------------------------------------------- decoding


class _Decoder:
    def __init__(self, buf: bytes, max_depth: int, codecs: CodecRegistry) -> None:
        self.r = Reader(buf)
        self.max_depth = max_depth
        self.codecs = codecs

    def within(self, end: int, fn, *args):
        """Narrows the reader to [pos, end) while fn runs; fn must consume exactly that."""
        r = self.r
        outer = r.end
        r.end = end
        out = fn(*args)
        if r.pos != end:
            raise PathError("message body ends inside a field")
        r.end = outer
        return out

    def container(self, depth: int) -> None:
        if depth > self.max_depth:
            raise PathError(f"nesting deeper than {self.max_depth}")

    def value(self, end: int, depth: int):
        """toolbridge.v1.Value body up to end."""
        r = self.r
        out = None
        seen = False
        while r.pos < end:
            tag = r.tag()
            if tag == V_NULL:
                r.uint32()
                out = None
            elif tag == V_BOOL:
                out = r.varint() != 0
            elif tag == V_INT:
                out = r.sint64()
            elif tag == V_DOUBLE:
                out = r.double()
            elif tag == V_STRING:
                out = r.string()
            elif tag == V_BYTES:
                out = r.bytes_()
            elif tag == V_TIMESTAMP:
                e = r.len_end()
                out = self.within(e, read_timestamp, r, e)
            elif tag == V_LIST:
                self.container(depth + 1)
                e = r.len_end()
                out = self.within(e, self.list_body, e, depth + 1, False)
            elif tag == V_MAP:
                self.container(depth + 1)
                e = r.len_end()
                out = self.within(e, self.map_body, e, depth + 1, False)
            elif tag == V_TABLE:
                start, e = r.span()
                from toolbridge._table import table_to_dataframe

                out = table_to_dataframe(bytes(r.buf[start:e]))
            elif tag == V_EXTENSION:
                e = r.len_end()
                out = self.within(e, self.extension, e)
            else:
                r.skip_unknown(tag, VALUE_FIELDS)
                continue
            seen = True
        if not seen:
            raise PathError("Value has no kind")
        return out

    def list_body(self, end: int, depth: int, struct: bool) -> list:
        """ValueList (struct=False) or ListValue (struct=True) body up to end."""
        r = self.r
        element = self.struct_value if struct else self.value
        out: list = []
        while r.pos < end:
            tag = r.tag()
            if tag != ENTRY:
                r.skip_unknown(tag, FIELD_1)
                continue
            try:
                e = r.len_end()
                out.append(self.within(e, element, e, depth))
            except PathError as err:
                err.segments.append(len(out))
                raise
        return out

    def entry_fields(self, end: int, key_value_allowed: bool):
        r = self.r
        key = ""
        value = None
        key_value = None
        while r.pos < end:
            tag = r.tag()
            if tag == KEY:
                key = r.string()
            elif tag == VALUE:
                value = r.span()
            elif tag == KEY_VALUE and key_value_allowed:
                key_value = r.span()
            else:
                r.skip_unknown(tag, FIELDS_1_2_3 if key_value_allowed else FIELDS_1_2)
        return key, value, key_value

    def entry_value(self, span, segment, depth: int, struct: bool):
        try:
            if span is None:
                raise PathError("map entry has no value")
            self.r.pos = span[0]
            return self.within(span[1], self.struct_value if struct else self.value, span[1], depth)
        except PathError as err:
            err.segments.append(segment)
            raise

    def map_body(self, end: int, depth: int, struct: bool) -> dict:
        """ValueMap (struct=False) or Struct (struct=True) body up to end; only a
        ValueMap entry may carry a non-string key (key_value)."""
        r = self.r
        out: dict = {}
        entry = 0
        while r.pos < end:
            tag = r.tag()
            if tag != ENTRY:
                r.skip_unknown(tag, FIELD_1)
                continue
            e = r.len_end()
            key, value, key_value = self.within(e, self.entry_fields, e, not struct)
            if key_value is None:
                out[key] = self.entry_value(value, key, depth, struct)
            else:
                try:
                    r.pos = key_value[0]
                    k = _hashable(self.within(key_value[1], self.value, key_value[1], depth))
                except PathError as err:
                    err.segments.append(EntrySegment(entry, True))
                    raise
                out[k] = self.entry_value(value, EntrySegment(entry, False), depth, False)
            r.pos = e
            entry += 1
        return out

    def extension(self, end: int):
        r = self.r
        name = ""
        data = b""
        while r.pos < end:
            tag = r.tag()
            if tag == 10:
                name = r.string()
            elif tag == 18:
                data = r.bytes_()
            else:
                r.skip_unknown(tag, FIELDS_1_2)
        codec = self.codecs.by_name(name)
        if codec is None:
            return RawExtension(name, data)
        try:
            return codec.decode(data)
        except Exception as err:
            raise PathError(f"codec {name} failed to decode: {err}") from err

    def struct_value(self, end: int, depth: int):
        """google.protobuf.Value body up to end."""
        r = self.r
        out = None
        seen = False
        while r.pos < end:
            tag = r.tag()
            if tag == S_NULL:
                r.uint32()
                out = None
            elif tag == S_NUMBER:
                out = r.double()
            elif tag == S_STRING:
                out = r.string()
            elif tag == S_BOOL:
                out = r.varint() != 0
            elif tag == S_STRUCT:
                self.container(depth + 1)
                e = r.len_end()
                out = self.within(e, self.map_body, e, depth + 1, True)
            elif tag == S_LIST:
                self.container(depth + 1)
                e = r.len_end()
                out = self.within(e, self.list_body, e, depth + 1, True)
            else:
                r.skip_unknown(tag, STRUCT_VALUE_FIELDS)
                continue
            seen = True
        if not seen:
            raise PathError("Value has no kind")
        return out

    def wrapper(self, wire_type: int, read, zero):
        """The single field 1 of a wrapper message; absent means zero."""
        r = self.r
        out = zero
        while r.pos < r.end:
            tag = r.tag()
            if tag >> 3 == 1:
                r.expect(tag, wire_type)
                out = read()
            else:
                r.skip(tag & 7)
        return out


def _hashable(key):
    """A decoded map key: lists become tuples; a dict key cannot exist in Python."""
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    if isinstance(key, dict):
        raise PathError("map key is a map, which Python cannot hash")
    return key


def _int32(r: Reader) -> int:
    v = r.varint() & 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


def _decode_top(any_value: Any, d: _Decoder):
    r = d.r
    url = any_value.type_url
    name = url[url.rfind("/") + 1 :]
    if name == T_STRING:
        return d.wrapper(WIRE_LEN, r.string, "")
    if name == T_INT64:
        return d.wrapper(WIRE_VARINT, r.int64, 0)
    if name == "google.protobuf.Int32Value":
        return d.wrapper(WIRE_VARINT, lambda: _int32(r), 0)
    if name == "google.protobuf.UInt32Value":
        return d.wrapper(WIRE_VARINT, lambda: r.varint() & 0xFFFFFFFF, 0)
    if name == "google.protobuf.UInt64Value":
        return d.wrapper(WIRE_VARINT, r.varint, 0)
    if name == T_DOUBLE:
        return d.wrapper(WIRE_FIXED64, r.double, 0.0)
    if name == "google.protobuf.FloatValue":
        return d.wrapper(WIRE_FIXED32, r.float32, 0.0)
    if name == T_BOOL:
        return d.wrapper(WIRE_VARINT, lambda: r.varint() != 0, False)
    if name == T_BYTES:
        return d.wrapper(WIRE_LEN, r.bytes_, b"")
    if name == T_VALUE:
        return d.struct_value(r.end, 0)
    if name == T_LIST:
        return d.list_body(r.end, 1, True)
    if name == T_STRUCT:
        return d.map_body(r.end, 1, True)
    if name == T_TIMESTAMP:
        return read_timestamp(r, r.end)
    if name == T_TOOLBRIDGE_VALUE:
        return d.value(r.end, 0)
    if name in (T_TABLE, T_TOOLBRIDGE_TABLE):
        from toolbridge._table import table_to_dataframe

        return table_to_dataframe(bytes(any_value.value))
    if name.startswith(FALLBACK_PREFIXES):
        return d.wrapper(WIRE_LEN, r.string, "")
    raise PathError(f"unknown type_url {_json_str(url)}")


def _json_str(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def deserialize_value(any_value: Any, *, max_depth: int = DEFAULT_MAX_DEPTH, codecs: Optional[CodecRegistry] = None):
    """Decodes a google.protobuf.Any written by serialize_value (in any language) or by
    peers using the well-known types. Raises ProtocolError (with a path) for unknown
    type_urls, corrupt or truncated bytes, invalid UTF-8 and nesting deeper than max_depth."""
    d = _Decoder(bytes(any_value.value), max_depth, default_codecs if codecs is None else codecs)
    try:
        return _decode_top(any_value, d)
    except PathError as err:
        raise ProtocolError(
            err.message, path=err.path(), details={"typeUrl": any_value.type_url}, cause=err.__cause__
        ) from err
    except RecursionError as err:
        raise ProtocolError("value nested too deeply for the Python stack", path="$", cause=err) from err


