"""Reads the toolbridge ErrorInfo a host puts in a gRPC status.

The host sends google.rpc.Status {1: code, 2: message, 3: repeated Any details}
in the `grpc-status-details-bin` trailer. The googleapis protos are not a
dependency, so the three fields are decoded by hand; the Any holding a
toolbridge.v1.ErrorInfo is unpacked with the generated class.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional, Tuple

from google.protobuf import any_pb2

from toolbridge.v1.errors_pb2 import ErrorInfo

STATUS_DETAILS_KEY = "grpc-status-details-bin"
RETRY_AFTER_KEY = "retry-after-ms"

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5


def _varint(data: bytes, pos: int) -> Tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(data: bytes) -> Iterator[Tuple[int, int, object]]:
    """Yields (field number, wire type, value) of a serialized message."""
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        field, wire = tag >> 3, tag & 7
        if wire == _VARINT:
            value, pos = _varint(data, pos)
        elif wire == _LENGTH:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos : pos + size], pos + size
        elif wire == _FIXED64:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == _FIXED32:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def decode_status_details(data: bytes) -> Optional[ErrorInfo]:
    """The ErrorInfo inside a serialized google.rpc.Status, or None."""
    found: Optional[ErrorInfo] = None
    for field, wire, value in _fields(data):
        if field == 3 and wire == _LENGTH:
            detail = any_pb2.Any.FromString(bytes(value))
            info = ErrorInfo()
            if detail.Unpack(info):
                found = info
    return found


def error_info_from_metadata(metadata: Optional[Iterable[Tuple[str, object]]]) -> Optional[ErrorInfo]:
    """The ErrorInfo in a call's trailing metadata, or None when the host sent none
    (or sent bytes that do not decode: the status code alone still tells the story)."""
    for key, value in metadata or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, (bytes, bytearray)):
            try:
                return decode_status_details(bytes(value))
            except Exception:  # noqa: BLE001 - malformed details must not hide the status itself
                return None
    return None


def encode_status_details(code: int, message: str, info: ErrorInfo) -> bytes:
    """google.rpc.Status bytes carrying `info`; test doubles use it to act like a host."""
    detail = any_pb2.Any()
    detail.Pack(info)
    out = bytearray()

    def put_varint(value: int) -> None:
        while True:
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return

    def put_bytes(field: int, payload: bytes) -> None:
        put_varint(field << 3 | _LENGTH)
        put_varint(len(payload))
        out.extend(payload)

    if code:
        put_varint(1 << 3 | _VARINT)
        put_varint(code)
    if message:
        put_bytes(2, message.encode())
    put_bytes(3, detail.SerializeToString())
    return bytes(out)
