"""Every error type toolbridge reports and how it maps to gRPC and HTTP.

The same table lives in packages/protocol/src/error-codes.ts and
conformance/error-codes.json; tests/test_error_codes.py checks this copy against
the JSON so the TypeScript and Python clients agree code for code.

`in_response` types are tool outcomes carried inside ExecuteToolResponse (or a
stream error chunk) with success=false; the others are gRPC status codes with a
toolbridge.v1.ErrorInfo in the status details.
"""

from __future__ import annotations

from typing import NamedTuple

import grpc


class ErrorTypeInfo(NamedTuple):
    grpc: grpc.StatusCode
    http: int
    in_response: bool
    retryable: bool


_S = grpc.StatusCode

ERROR_TYPES: dict[str, ErrorTypeInfo] = {
    "ToolNotFound": ErrorTypeInfo(_S.NOT_FOUND, 404, True, False),
    "ValidationError": ErrorTypeInfo(_S.INVALID_ARGUMENT, 400, True, False),
    "TimeoutError": ErrorTypeInfo(_S.DEADLINE_EXCEEDED, 504, True, False),
    "ToolError": ErrorTypeInfo(_S.UNKNOWN, 500, True, False),
    "Cancelled": ErrorTypeInfo(_S.CANCELLED, 499, True, False),
    "SessionNotFound": ErrorTypeInfo(_S.NOT_FOUND, 404, False, False),
    "SessionExpired": ErrorTypeInfo(_S.FAILED_PRECONDITION, 410, False, False),
    "AlreadyExists": ErrorTypeInfo(_S.ALREADY_EXISTS, 409, False, False),
    "VariableNotFound": ErrorTypeInfo(_S.NOT_FOUND, 404, False, False),
    "AgentNotFound": ErrorTypeInfo(_S.NOT_FOUND, 404, False, False),
    "Conflict": ErrorTypeInfo(_S.ABORTED, 409, False, False),
    "InvalidArgument": ErrorTypeInfo(_S.INVALID_ARGUMENT, 400, False, False),
    "RateLimitExceeded": ErrorTypeInfo(_S.RESOURCE_EXHAUSTED, 429, False, True),
    "ResourceExhausted": ErrorTypeInfo(_S.RESOURCE_EXHAUSTED, 503, False, False),
    "MessageTooLarge": ErrorTypeInfo(_S.RESOURCE_EXHAUSTED, 413, False, False),
    "PermissionDenied": ErrorTypeInfo(_S.PERMISSION_DENIED, 403, False, False),
    "Unauthenticated": ErrorTypeInfo(_S.UNAUTHENTICATED, 401, False, False),
    "DeadlineExceeded": ErrorTypeInfo(_S.DEADLINE_EXCEEDED, 504, False, False),
    "Unavailable": ErrorTypeInfo(_S.UNAVAILABLE, 503, False, True),
    "ProtocolError": ErrorTypeInfo(_S.INTERNAL, 502, False, False),
    "FailedPrecondition": ErrorTypeInfo(_S.FAILED_PRECONDITION, 412, False, False),
    "InternalError": ErrorTypeInfo(_S.INTERNAL, 500, False, False),
}

# The stable type of a bare gRPC status (one without an ErrorInfo), i.e. a
# transport-level failure; the same table as the TS client's BARE_STATUS_TYPES
# (pinned by packages/client/src/parity.spec.ts). Other codes fall back to InternalError.
_TRANSPORT_TYPES = {
    _S.UNAVAILABLE: "Unavailable",
    _S.DEADLINE_EXCEEDED: "DeadlineExceeded",
    _S.CANCELLED: "Cancelled",
    _S.RESOURCE_EXHAUSTED: "ResourceExhausted",
    _S.PERMISSION_DENIED: "PermissionDenied",
    _S.UNAUTHENTICATED: "Unauthenticated",
    _S.FAILED_PRECONDITION: "FailedPrecondition",
    _S.INVALID_ARGUMENT: "InvalidArgument",
    _S.ALREADY_EXISTS: "AlreadyExists",
    _S.ABORTED: "Conflict",
    _S.OUT_OF_RANGE: "InvalidArgument",
    _S.DATA_LOSS: "ProtocolError",
}


def error_type_for_status(code: grpc.StatusCode) -> str:
    """Stable error type of a gRPC status that came without an ErrorInfo."""
    return _TRANSPORT_TYPES.get(code, "InternalError")


def is_retryable(error_type: str) -> bool:
    info = ERROR_TYPES.get(error_type)
    return info is not None and info.retryable
