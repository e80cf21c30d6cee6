"""Python's error-code table and default limits equal the shared conformance files
the TypeScript packages are checked against."""

import json
from pathlib import Path

import grpc

from toolbridge.channel import channel_options
from toolbridge.error_codes import ERROR_TYPES, error_type_for_status
from toolbridge.limits import DEFAULT_LIMITS, FRAMING_HEADROOM_BYTES

CONFORMANCE = Path(__file__).resolve().parents[2] / "conformance"


def test_error_types_match_conformance_table():
    shared = json.loads((CONFORMANCE / "error-codes.json").read_text())
    assert set(ERROR_TYPES) == set(shared)
    for name, row in shared.items():
        mine = ERROR_TYPES[name]
        assert mine.grpc.name == row["grpc"], name
        assert mine.grpc.value[0] == row["grpc_code"], name
        assert (mine.http, mine.in_response, mine.retryable) == (row["http"], row["in_response"], row["retryable"]), name


def test_default_limits_match_conformance_file():
    shared = json.loads((CONFORMANCE / "limits.json").read_text())
    assert dict(DEFAULT_LIMITS) == shared


def test_bare_status_types_are_known_error_types():
    for code in grpc.StatusCode:
        assert error_type_for_status(code) in ERROR_TYPES


def test_channel_options_use_the_shared_limits():
    options = dict(channel_options())
    wire = DEFAULT_LIMITS["maxMessageBytes"] + FRAMING_HEADROOM_BYTES
    assert options["grpc.max_send_message_length"] == wire
    assert options["grpc.max_receive_message_length"] == wire
    assert options["grpc.keepalive_time_ms"] == DEFAULT_LIMITS["keepaliveTimeMs"]
    assert options["grpc.keepalive_timeout_ms"] == DEFAULT_LIMITS["keepaliveTimeoutMs"]
    assert options["grpc.http2.lookahead_bytes"] == DEFAULT_LIMITS["clientFlowControlWindowBytes"]
