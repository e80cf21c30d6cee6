"""Turns what the wire says went wrong into the ToolBridgeError family.

Two sources: an ErrorInfo inside a response (a tool outcome, success=false) and a
gRPC status (session, limit and transport failures), which carries an ErrorInfo in
its details when the host sent it. A status without one is a transport failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import grpc

from toolbridge.errors import (
    ProtocolError,
    RateLimitedError,
    SessionExpiredError,
    ToolBridgeError,
    ToolCommunicationError,
    ToolExecutionError,
    ValidationError,
)
from toolbridge.status_details import RETRY_AFTER_KEY, error_info_from_metadata

# Error types that describe the transport, not the call: they stay
# ToolCommunicationError even when the host explains them with an ErrorInfo.
_TRANSPORT_TYPES = {
    "Unavailable": grpc.StatusCode.UNAVAILABLE,
    "DeadlineExceeded": grpc.StatusCode.DEADLINE_EXCEEDED,
    "Cancelled": grpc.StatusCode.CANCELLED,
}

# What grpc itself says when a message exceeds the channel's size limit.
_TOO_LARGE_MARKERS = ("larger than max", "message too large")


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"malformed ErrorInfo: {what} is {type(value).__name__}, not str")
    return value


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _retry_after_ms(info: Any, details: Mapping[str, str], trailer_ms: int = 0) -> int:
    """Wait the host asked for: ErrorInfo.retry_after_ms, details retry_after_ms,
    details retry_after (seconds, the spec's form) or the retry-after-ms trailer."""
    if _int(getattr(info, "retry_after_ms", 0)) > 0:
        return _int(info.retry_after_ms)
    for key, scale in (("retry_after_ms", 1), ("retry_after", 1000)):
        raw = details.get(key)
        if raw is not None:
            try:
                return max(0, int(float(raw) * scale))
            except ValueError:
                pass
    return trailer_ms


def error_from_info(tool_name: str, info: Any, *, trailer_retry_ms: int = 0) -> ToolBridgeError:
    """The error for an ErrorInfo (the generated message, or anything shaped like it)."""
    error_type = _text(getattr(info, "type", None), "type")
    if not error_type:
        raise ProtocolError(f"{tool_name}: failure reported without an error type")
    message = _text(getattr(info, "message", ""), "message")
    raw_details = getattr(info, "details", None)
    if raw_details is None:
        raw_details = {}
    if not isinstance(raw_details, Mapping):
        raise ProtocolError(f"malformed ErrorInfo: details is {type(raw_details).__name__}, not a map")
    details = {str(k): str(v) for k, v in raw_details.items()}
    request_id = getattr(info, "request_id", "")
    common = {"details": details, "request_id": request_id if isinstance(request_id, str) else ""}
    if error_type == "SessionExpired":
        return SessionExpiredError(tool_name, message, **common)
    if error_type == "RateLimitExceeded":
        wait = _retry_after_ms(info, details, trailer_retry_ms)
        return RateLimitedError(tool_name, message, retry_after_ms=wait, **common)
    if error_type == "ValidationError":
        violations = getattr(info, "field_violations", ())
        fields = [(v.field, v.description) for v in violations] if not isinstance(violations, Mapping) else []
        if not fields and "field" in details:
            fields = [(details["field"], details.get("reason", message))]
        return ValidationError(tool_name, message, fields=fields, **common)
    if error_type == "ProtocolError":
        return ProtocolError(f"{tool_name}: host could not read the request: {message}", details=details)
    if error_type in _TRANSPORT_TYPES:
        return ToolCommunicationError(tool_name, _TRANSPORT_TYPES[error_type], message, details=details)
    return ToolExecutionError(tool_name, error_type, message, **common)


def _trailer_retry_ms(metadata: Any) -> int:
    for key, value in metadata or ():
        if key == RETRY_AFTER_KEY:
            try:
                return int(value)
            except (TypeError, ValueError):
                return 0
    return 0


def error_from_rpc(tool_name: str, error: grpc.RpcError) -> ToolBridgeError:
    """The error for a failed gRPC call (grpc.aio.AioRpcError or a sync RpcError)."""
    code = error.code()
    text = error.details() or ""
    trailers = error.trailing_metadata() if callable(getattr(error, "trailing_metadata", None)) else None
    info = error_info_from_metadata(trailers)
    if info is not None and info.type:
        mapped = error_from_info(tool_name, info, trailer_retry_ms=_trailer_retry_ms(trailers))
        mapped.__cause__ = mapped.cause = error
        return mapped
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED and any(m in text.lower() for m in _TOO_LARGE_MARKERS):
        return message_too_large(tool_name, text, cause=error)
    return ToolCommunicationError(tool_name, code, text, cause=error)


def message_too_large(tool_name: str, what: str, *, cause: Optional[BaseException] = None) -> ToolExecutionError:
    return ToolExecutionError(tool_name, "MessageTooLarge", f"message too large: {what}", cause=cause)
