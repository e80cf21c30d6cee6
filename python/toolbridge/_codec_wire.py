"""Protobuf wire primitives for the value codec, and the path-carrying error.

Hand-written (instead of building google.protobuf messages) so that the codec
controls field order and map-entry order exactly as the TypeScript codec does
(the conformance vectors compare bytes), and so that depth is checked while
walking, before anything deeper is read.
"""

from __future__ import annotations

import json
import re
import struct
from typing import List, Tuple, Union

_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_U64 = (1 << 64) - 1

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_LEN = 2
WIRE_FIXED32 = 5


class PathError(Exception):
    """Raised inside the codec; containers append their path segment while it unwinds."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.segments: List[object] = []

    def path(self) -> str:
        return format_path(list(reversed(self.segments)))


class EntrySegment:
    """Path segment of a map entry whose key is not a string: `[key#i]` or `[#i]`."""

    __slots__ = ("entry", "is_key")

    def __init__(self, entry: int, is_key: bool) -> None:
        self.entry = entry
        self.is_key = is_key


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")


def format_path(segments: List[object]) -> str:
    """`$`, `.name`, `["odd key"]`, `[3]`, `[key#2]`/`[#2]` (same as the TS codec)."""
    out = "$"
    for s in segments:
        if isinstance(s, int):
            out += f"[{s}]"
        elif isinstance(s, str):
            out += f".{s}" if _IDENTIFIER.match(s) else f"[{json.dumps(s, ensure_ascii=False)}]"
        else:
            out += f"[key#{s.entry}]" if s.is_key else f"[#{s.entry}]"  # type: ignore[attr-defined]
    return out


def varint(out: bytearray, v: int) -> None:
    """Unsigned varint of 0 <= v < 2**64."""
    while v > 0x7F:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)


def int64(out: bytearray, v: int) -> None:
    varint(out, v & _U64)


def sint64(out: bytearray, v: int) -> None:
    varint(out, (v << 1) if v >= 0 else ((-v) << 1) - 1)


def double(out: bytearray, v: float) -> None:
    out += _DOUBLE.pack(v)


def length_delimited(out: bytearray, tag: int, body: Union[bytes, bytearray]) -> None:
    out.append(tag)
    varint(out, len(body))
    out += body


def utf8(s: str) -> bytes:
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        raise PathError("string contains a lone surrogate") from None


class Reader:
    """Bounds-checked reader over bytes; every malformed input raises PathError."""

    __slots__ = ("buf", "pos", "end")

    def __init__(self, buf: bytes, pos: int = 0, end: int = -1) -> None:
        self.buf = buf
        self.pos = pos
        self.end = len(buf) if end < 0 else end

    def varint(self) -> int:
        buf = self.buf
        pos = self.pos
        result = 0
        shift = 0
        while True:
            if pos >= self.end:
                raise PathError("truncated varint")
            b = buf[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
            if shift >= 70:
                raise PathError("varint longer than 10 bytes")
        self.pos = pos
        return result & _U64

    def uint32(self) -> int:
        v = self.varint()
        if v >= 1 << 32:
            # Negative enum values are sign-extended to 10 bytes; keep the low 32 bits.
            if v >= 1 << 63:
                return v & 0xFFFFFFFF
            raise PathError("varint exceeds 32 bits")
        return v

    def tag(self) -> int:
        t = self.uint32()
        if t >> 3 == 0:
            raise PathError("invalid field number 0")
        return t

    def int64(self) -> int:
        v = self.varint()
        return v - (1 << 64) if v >= 1 << 63 else v

    def sint64(self) -> int:
        z = self.varint()
        return -(z >> 1) - 1 if z & 1 else z >> 1

    def double(self) -> float:
        if self.pos + 8 > self.end:
            raise PathError("truncated double")
        v = _DOUBLE.unpack_from(self.buf, self.pos)[0]
        self.pos += 8
        return v

    def float32(self) -> float:
        if self.pos + 4 > self.end:
            raise PathError("truncated float")
        v = _FLOAT.unpack_from(self.buf, self.pos)[0]
        self.pos += 4
        return v

    def len_end(self) -> int:
        n = self.uint32()
        end = self.pos + n
        if end > self.end:
            raise PathError("truncated length-delimited field")
        return end

    def bytes_(self) -> bytes:
        end = self.len_end()
        b = bytes(self.buf[self.pos : end])
        self.pos = end
        return b

    def span(self) -> Tuple[int, int]:
        end = self.len_end()
        start = self.pos
        self.pos = end
        return start, end

    def string(self) -> str:
        end = self.len_end()
        raw = self.buf[self.pos : end]
        self.pos = end
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise PathError("string is not valid UTF-8") from None

    def skip(self, wire_type: int) -> None:
        if wire_type == WIRE_VARINT:
            self.varint()
        elif wire_type == WIRE_FIXED64:
            if self.pos + 8 > self.end:
                raise PathError("truncated fixed64")
            self.pos += 8
        elif wire_type == WIRE_LEN:
            self.pos = self.len_end()
        elif wire_type == WIRE_FIXED32:
            if self.pos + 4 > self.end:
                raise PathError("truncated fixed32")
            self.pos += 4
        else:
            raise PathError(f"unsupported wire type {wire_type}")

    def skip_unknown(self, tag: int, known_fields: int) -> None:
        """Skips an unknown field; a known field with the wrong wire type is corrupt input."""
        field = tag >> 3
        if field < 32 and (known_fields >> field) & 1:
            raise PathError(f"field {field} has wire type {tag & 7}")
        self.skip(tag & 7)

    def expect(self, tag: int, wire_type: int) -> None:
        if tag & 7 != wire_type:
            raise PathError(f"field {tag >> 3} has wire type {tag & 7}, expected {wire_type}")
