"""google.rpc.Status decoding by hand, against bytes the TypeScript host's encoder
produces (field by field the same layout) and against malformed input."""

import grpc
import pytest

from tests.support import rpc_error
from toolbridge.errors import RateLimitedError, ToolCommunicationError, ToolExecutionError
from toolbridge.failures import error_from_rpc
from toolbridge.status_details import (
    STATUS_DETAILS_KEY,
    decode_status_details,
    encode_status_details,
    error_info_from_metadata,
)
from toolbridge.v1.errors_pb2 import ErrorInfo, FieldViolation


def test_round_trip_keeps_every_error_info_field():
    info = ErrorInfo(
        type="ValidationError",
        message="bad",
        details={"a": "negative"},
        retry_after_ms=0,
        field_violations=[FieldViolation(field="a", description="must be >= 0")],
        tool_name="calculate",
    )
    assert decode_status_details(encode_status_details(3, "bad", info)) == info


def test_bytes_laid_out_as_the_typescript_encoder_writes_them():
    # code 9 (varint), message "gone", one Any(ErrorInfo{type: "SessionExpired"}), built byte by byte.
    def length_delimited(field, payload):
        return bytes([field << 3 | 2, len(payload)]) + payload

    error_info = length_delimited(1, b"SessionExpired")
    any_bytes = length_delimited(1, b"type.googleapis.com/toolbridge.v1.ErrorInfo") + length_delimited(2, error_info)
    status = b"\x08\x09" + length_delimited(2, b"gone") + length_delimited(3, any_bytes)
    assert decode_status_details(status).type == "SessionExpired"


def test_unrelated_details_are_skipped():
    info = ErrorInfo(type="ToolError", message="m")
    assert decode_status_details(b"\x08\x02" + b"\x12\x01m") is None
    assert decode_status_details(encode_status_details(2, "m", info)).type == "ToolError"


@pytest.mark.parametrize("garbage", [b"\x1a\xff", b"\x0b", b"\x1a\x05abc"])
def test_malformed_details_are_ignored_not_raised(garbage):
    assert error_info_from_metadata([(STATUS_DETAILS_KEY, garbage)]) is None


def test_rate_limit_trailer_fills_missing_retry_after():
    info = ErrorInfo(type="RateLimitExceeded", message="slow down")
    trailers = ((STATUS_DETAILS_KEY, encode_status_details(8, "slow down", info)), ("retry-after-ms", "750"))
    error = error_from_rpc("t", rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", trailers))
    assert isinstance(error, RateLimitedError) and error.retry_after_ms == 750


def test_grpc_size_refusal_reads_as_message_too_large():
    error = error_from_rpc("echo", rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger than max (11534336 vs. 10485760)"))
    assert isinstance(error, ToolExecutionError)
    assert error.error_type == "MessageTooLarge"
    assert "message too large" in str(error).lower()


def test_transport_type_with_info_stays_communication_error():
    info = ErrorInfo(type="Unavailable", message="host shutting down")
    trailers = ((STATUS_DETAILS_KEY, encode_status_details(14, "host shutting down", info)),)
    error = error_from_rpc("t", rpc_error(grpc.StatusCode.UNAVAILABLE, "host shutting down", trailers))
    assert isinstance(error, ToolCommunicationError) and error.code == grpc.StatusCode.UNAVAILABLE
