"""Reads the toolbridge ErrorInfo a host puts in a gRPC status.

The host sends google.rpc.Status {1: code, 2: message, 3: repeated Any details}
in the `grpc-status-details-bin` trailer. The googleapis protos are not a
dependency, so the three fields are read and written with the codec's wire
primitives; the Any holding a toolbridge.v1.ErrorInfo is unpacked with the
generated class.
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

from google.protobuf import any_pb2

from toolbridge._codec_wire import WIRE_LEN, WIRE_VARINT, PathError, Reader, length_delimited, varint
from toolbridge.v1.errors_pb2 import ErrorInfo

STATUS_DETAILS_KEY = "grpc-status-details-bin"
RETRY_AFTER_KEY = "retry-after-ms"

# google.rpc.Status fields: 1 code (varint), 2 message (string), 3 details (repeated Any).
_CODE = 1 << 3 | WIRE_VARINT
_MESSAGE = 2 << 3 | WIRE_LEN
_DETAILS = 3 << 3 | WIRE_LEN


def decode_status_details(data: bytes) -> Optional[ErrorInfo]:
    """The ErrorInfo inside a serialized google.rpc.Status, or None. Raises
    ValueError for bytes that are not a protobuf message."""
    found: Optional[ErrorInfo] = None
    r = Reader(data)
    try:
        while r.pos < r.end:
            tag = r.tag()
            if tag == _DETAILS:
                detail = any_pb2.Any.FromString(r.bytes_())
                info = ErrorInfo()
                if detail.Unpack(info):
                    found = info
            else:
                r.skip(tag & 7)
    except PathError as err:
        raise ValueError(err.message) from None
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
    if code:
        out.append(_CODE)
        varint(out, code)
    if message:
        length_delimited(out, _MESSAGE, message.encode())
    length_delimited(out, _DETAILS, detail.SerializeToString())
    return bytes(out)
