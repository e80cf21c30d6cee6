"""The ToolBridgeError family: one root, stable codes shared with the TypeScript client.

`code` is an error type from toolbridge.error_codes.ERROR_TYPES (the same strings as
conformance/error-codes.json), except on ToolCommunicationError where the testing
strategy wants the gRPC status: there `code` is a grpc.StatusCode and `error_type`
holds the stable string. Every error carries `details` (str -> str) and `cause`.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from toolbridge.error_codes import error_type_for_status


class ToolBridgeError(Exception):
    """Root of every error toolbridge raises."""

    def __init__(
        self,
        code: Any,
        message: str = "",
        *,
        details: Optional[Mapping[str, Any]] = None,
        cause: Optional[BaseException] = None,
    ) -> None:
        super().__init__(message or str(code))
        self.code = code
        self.message = message or str(code)
        self.details = dict(details or {})
        self.cause = cause
        if cause is not None:
            self.__cause__ = cause

    @property
    def error_type(self) -> str:
        """The stable error type string (ERROR_TYPES key)."""
        return str(self.code)


class ProtocolError(ToolBridgeError):
    """Bytes from the wire that cannot be understood: an undecodable Any, a missing
    field, an out-of-order stream. `path` points into the value, e.g. `$.users[1]`."""

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        details: Optional[Mapping[str, Any]] = None,
        cause: Optional[BaseException] = None,
    ) -> None:
        where = path if path is not None else "$"
        text = message if path is None else f"{message} at {where}"
        super().__init__("ProtocolError", text, details={**(details or {}), "path": where}, cause=cause)
        self.path = where


class EncodeError(ToolBridgeError):
    """A caller-supplied value that cannot be encoded (cycle, int outside int64...)."""

    def __init__(self, message: str, *, path: Optional[str] = None, cause: Optional[BaseException] = None) -> None:
        where = path if path is not None else "$"
        super().__init__("InvalidArgument", f"{message} at {where}", details={"path": where}, cause=cause)
        self.path = where


class ToolExecutionError(ToolBridgeError):
    """A call reached the host and failed there: the tool's own error, a bad argument,
    a missing tool, an expired session, a limit. `error_type` is the host's ErrorInfo.type."""

    def __init__(
        self,
        tool_name: str,
        error_type: str,
        message: str = "",
        *,
        details: Optional[Mapping[str, Any]] = None,
        request_id: str = "",
        cause: Optional[BaseException] = None,
    ) -> None:
        text = message or error_type
        super().__init__(error_type, f"{tool_name}: {error_type}: {text}", details=details, cause=cause)
        self.message = text
        self.tool_name = tool_name
        self.request_id = request_id

    @property
    def error_type(self) -> str:
        return str(self.code)


class SessionExpiredError(ToolExecutionError):
    """The session was cleaned up or idled out; open a new one."""

    def __init__(self, tool_name: str, message: str = "", **kwargs: Any) -> None:
        super().__init__(tool_name, "SessionExpired", message, **kwargs)


class RateLimitedError(ToolExecutionError):
    """The host refused the call for now; retry after `retry_after_ms`."""

    def __init__(self, tool_name: str, message: str = "", *, retry_after_ms: int = 0, **kwargs: Any) -> None:
        super().__init__(tool_name, "RateLimitExceeded", message, **kwargs)
        self.retry_after_ms = retry_after_ms


class ValidationError(ToolExecutionError):
    """Arguments failed the tool's schema; `fields` maps each bad field to why."""

    def __init__(
        self, tool_name: str, message: str = "", *, fields: Optional[Sequence[tuple]] = None, **kwargs: Any
    ) -> None:
        super().__init__(tool_name, "ValidationError", message, **kwargs)
        self.fields = dict(fields or [])


class ToolCommunicationError(ToolBridgeError):
    """The call did not complete at the transport level (connection lost, deadline,
    cancelled). `code` is the grpc.StatusCode; `error_type` the stable string."""

    def __init__(
        self,
        tool_name: str,
        code: Any,
        message: str = "",
        *,
        details: Optional[Mapping[str, Any]] = None,
        cause: Optional[BaseException] = None,
    ) -> None:
        name = getattr(code, "name", str(code))
        super().__init__(code, f"{tool_name}: {name}: {message or name}", details=details, cause=cause)
        self.tool_name = tool_name

    @property
    def error_type(self) -> str:
        return error_type_for_status(self.code)
