"""AsyncGRPCProxyTool: a remote tool that is called like a local async function."""

from __future__ import annotations

from typing import Any, AsyncIterator, Mapping, Optional, Sequence

from toolbridge import calls
from toolbridge.limits import DEFAULT_LIMITS
from toolbridge.tool_spec import ToolSpec


class AsyncGRPCProxyTool:
    """`await tool(*args, **kwargs)` for the result, `async for x in tool.stream(...)`
    for a streaming tool's chunks. Calls go through `session_context.stub` for
    `session_context.session_id`, both read at call time."""

    def __init__(
        self,
        tool_spec: ToolSpec,
        session_context: Any,
        *,
        timeout_ms: int = DEFAULT_LIMITS["unaryTimeoutMs"],
        stream_timeout_ms: int = DEFAULT_LIMITS["streamTimeoutMs"],
        max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
    ) -> None:
        self.spec = tool_spec
        self.session_context = session_context
        self.timeout_ms = timeout_ms
        self.stream_timeout_ms = stream_timeout_ms
        self.max_message_bytes = max_message_bytes

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def description(self) -> str:
        return self.spec.description

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return await self.call(args, kwargs)

    async def call(
        self,
        args: Sequence[Any] = (),
        kwargs: Optional[Mapping[str, Any]] = None,
        *,
        timeout_ms: Optional[int] = None,
        request_id: str = "",
    ) -> Any:
        """The call with per-call options; a request_id makes a repeat idempotent."""
        return await calls.execute(
            self.session_context.stub,
            self.session_context.session_id,
            self.spec.tool_id,
            args,
            kwargs,
            tool_name=self.spec.name,
            timeout_ms=timeout_ms or self.timeout_ms,
            max_message_bytes=self.max_message_bytes,
            request_id=request_id,
        )

    def stream(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        return calls.stream(
            self.session_context.stub,
            self.session_context.session_id,
            self.spec.tool_id,
            args,
            kwargs,
            tool_name=self.spec.name,
            timeout_ms=self.stream_timeout_ms,
            max_message_bytes=self.max_message_bytes,
        )

    def __repr__(self) -> str:
        return f"AsyncGRPCProxyTool({self.spec.name!r}, type={self.spec.type.name})"
