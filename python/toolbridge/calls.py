"""One tool call over a BridgeService stub: build the request, send it, read the
outcome. Shared by ToolBridgeClient and AsyncGRPCProxyTool so both behave alike.

The stub is passed in (and looked up by the caller at call time) so that a test may
replace a method on it. Unary calls pass the request only: the deadline travels in
request.timeout_ms (the host enforces it) and the client enforces it too with
asyncio, so a method replaced by a plain coroutine function behaves the same.
Streams also set the gRPC deadline, which bounds the whole stream.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, AsyncIterator, Mapping, Optional, Sequence

import grpc
from google.protobuf import any_pb2

from toolbridge.codec import deserialize_value, serialize_value
from toolbridge.errors import ProtocolError, ToolCommunicationError
from toolbridge.failures import error_from_info, error_from_rpc, message_too_large
from toolbridge.limits import DEFAULT_LIMITS
from toolbridge.v1.tools_pb2 import ExecuteToolRequest, StreamToolRequest

# The host enforces request.timeout_ms and answers TimeoutError, an outcome it
# remembers under the request_id. The client's own deadline is a backstop for a
# host or network that does not answer at all, so it waits this much longer and
# never races the host's answer.
CLIENT_DEADLINE_GRACE_MS = 200


def cancel_call(call: Any) -> None:
    """Stops a server stream the consumer left early (or that failed). A method
    replaced by a plain async generator has nothing to cancel."""
    cancel = getattr(call, "cancel", None)
    if callable(cancel):
        cancel()


def new_request_id() -> str:
    return uuid.uuid4().hex


def encode_args(args: Sequence[Any]) -> list:
    return [serialize_value(a) for a in args]


def encode_kwargs(kwargs: Mapping[str, Any]) -> dict:
    return {k: serialize_value(v) for k, v in kwargs.items()}


def check_size(tool_name: str, request: Any, limit: int) -> None:
    """Refuse before sending: the host would refuse anyway, after the upload."""
    size = request.ByteSize()
    if size > limit:
        raise message_too_large(tool_name, f"request is {size} bytes, the limit is {limit}")


def build_request(
    message: type,
    name: str,
    session_id: Optional[str],
    tool_id: str,
    args: Sequence[Any],
    kwargs: Optional[Mapping[str, Any]],
    request_id: str,
    timeout_ms: int,
    max_message_bytes: int,
) -> Any:
    """An ExecuteToolRequest or StreamToolRequest (they share these fields), checked
    against max_message_bytes."""
    request = message(
        session_id=session_id or "",
        tool_id=tool_id,
        args=encode_args(args),
        kwargs=encode_kwargs(kwargs or {}),
        request_id=request_id,
        timeout_ms=timeout_ms,
    )
    check_size(name, request, max_message_bytes)
    return request


def read_outcome(tool_name: str, response: Any) -> Any:
    """The result of an ExecuteToolResponse, or the error it describes. The response
    is checked field by field: a stub may hand back anything."""
    success = getattr(response, "success", None)
    if not isinstance(success, bool):
        raise ProtocolError(
            f"malformed response from {tool_name}: success is {type(success).__name__}, not bool"
        )
    if not success:
        raise error_from_info(tool_name, getattr(response, "error", None))
    result = getattr(response, "result", None)
    if not isinstance(result, any_pb2.Any):
        raise ProtocolError(f"malformed response from {tool_name}: result is {type(result).__name__}, not Any")
    return deserialize_value(result)


async def execute(
    stub: Any,
    session_id: Optional[str],
    tool_id: str,
    args: Sequence[Any] = (),
    kwargs: Optional[Mapping[str, Any]] = None,
    *,
    tool_name: Optional[str] = None,
    timeout_ms: int = DEFAULT_LIMITS["unaryTimeoutMs"],
    max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
    request_id: str = "",
) -> Any:
    name = tool_name or tool_id
    request = build_request(
        ExecuteToolRequest, name, session_id, tool_id, args, kwargs, request_id, timeout_ms, max_message_bytes
    )
    try:
        async with asyncio.timeout((timeout_ms + CLIENT_DEADLINE_GRACE_MS) / 1000):
            response = await stub.ExecuteTool(request)
    except asyncio.TimeoutError as exc:
        raise ToolCommunicationError(
            name, grpc.StatusCode.DEADLINE_EXCEEDED, f"no response within {timeout_ms} ms", cause=exc
        ) from exc
    except grpc.RpcError as exc:
        raise error_from_rpc(name, exc) from exc
    return read_outcome(name, response)


async def stream(
    stub: Any,
    session_id: Optional[str],
    tool_id: str,
    args: Sequence[Any] = (),
    kwargs: Optional[Mapping[str, Any]] = None,
    *,
    tool_name: Optional[str] = None,
    timeout_ms: int = DEFAULT_LIMITS["streamTimeoutMs"],
    max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
    request_id: str = "",
) -> AsyncIterator[Any]:
    """Yields each data chunk's value. Ends at the `complete` chunk; raises at an
    `error` chunk, a broken sequence, a stream that ends without `complete`, or a
    transport failure (after every chunk that did arrive has been yielded)."""
    name = tool_name or tool_id
    request = build_request(
        StreamToolRequest, name, session_id, tool_id, args, kwargs, request_id, timeout_ms, max_message_bytes
    )
    call = stub.StreamTool(request, timeout=(timeout_ms + CLIENT_DEADLINE_GRACE_MS) / 1000)
    expected = 0
    data_chunks = 0
    try:
        try:
            async for chunk in call:
                sequence = getattr(chunk, "sequence", None)
                if sequence != expected:
                    raise ProtocolError(f"stream from {name}: chunk {sequence!r} arrived where {expected} was due")
                expected += 1
                kind = chunk.WhichOneof("content")
                if kind == "data":
                    data_chunks += 1
                    yield deserialize_value(chunk.data)
                elif kind == "complete":
                    if chunk.complete.total_chunks not in (0, data_chunks):
                        raise ProtocolError(
                            f"stream from {name}: complete says {chunk.complete.total_chunks} chunks, "
                            f"{data_chunks} arrived"
                        )
                    return
                elif kind == "error":
                    raise error_from_info(name, chunk.error)
                elif kind != "metadata":
                    raise ProtocolError(f"stream from {name}: chunk {sequence} has no content")
        except grpc.RpcError as exc:
            raise error_from_rpc(name, exc) from exc
        raise ProtocolError(f"stream from {name} ended without a complete chunk")
    finally:
        cancel_call(call)
