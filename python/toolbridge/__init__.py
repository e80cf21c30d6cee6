"""toolbridge: call tools that live in another process or language over gRPC.

Public API (also importable as grpc_tool_bridge):
GRPCToolBridge, ToolBridgeClient, AsyncGRPCProxyTool, SessionContext, ToolSpec,
ArgumentSpec, ToolType, serialize_value, deserialize_value, the ToolBridgeError
family, ERROR_TYPES, DEFAULT_LIMITS, RetryPolicy and the protocol messages under
both their own names and the spec's (ToolCallRequest, ToolCallResponse,
ToolStreamChunk, CompleteSignal, ...).
"""

from toolbridge.bridge import GRPCToolBridge
from toolbridge.client import ToolBridgeClient
from toolbridge.codec import deserialize_value, serialize_value
from toolbridge.error_codes import ERROR_TYPES
from toolbridge.errors import (
    EncodeError,
    ProtocolError,
    RateLimitedError,
    SessionExpiredError,
    ToolBridgeError,
    ToolCommunicationError,
    ToolExecutionError,
    ValidationError,
)
from toolbridge.limits import DEFAULT_LIMITS
from toolbridge.messages import *  # noqa: F401,F403
from toolbridge.messages import __all__ as _message_names
from toolbridge.proxy_tool import AsyncGRPCProxyTool
from toolbridge.retry import RetryPolicy
from toolbridge.session_context import SessionContext
from toolbridge.tool_spec import ArgumentSpec, ToolSpec, ToolType

__all__ = [
    "ArgumentSpec",
    "AsyncGRPCProxyTool",
    "DEFAULT_LIMITS",
    "ERROR_TYPES",
    "EncodeError",
    "GRPCToolBridge",
    "ProtocolError",
    "RateLimitedError",
    "RetryPolicy",
    "SessionContext",
    "SessionExpiredError",
    "ToolBridgeClient",
    "ToolBridgeError",
    "ToolCommunicationError",
    "ToolExecutionError",
    "ToolSpec",
    "ToolType",
    "ValidationError",
    "deserialize_value",
    "serialize_value",
    *_message_names,
]
