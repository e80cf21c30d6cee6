"""ToolContext: what a worker tool knows about its call, and its way back into the host."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Dict, Optional

if TYPE_CHECKING:
    import grpc

    from toolbridge.client import ToolBridgeClient


class ToolContext:
    """Given to a tool that asks for it (a parameter annotated ToolContext, or named
    `ctx`). Nested calls and variable operations go to the host on the call's own
    session, never with more time than the call has left; cancelling the call
    (client cancel, deadline, host gone) cancels the task running the tool, and
    with it any nested call it is awaiting."""

    def __init__(
        self,
        *,
        session_id: str,
        request_id: str,
        tool_name: str,
        timeout_ms: int,
        context: Dict[str, str],
        channel: Callable[[], "grpc.aio.Channel"],
    ) -> None:
        self.session_id = session_id
        self.request_id = request_id
        self.tool_name = tool_name
        self.context = context
        # Epoch seconds by which the call must be done.
        self.deadline = time.time() + timeout_ms / 1000
        self._monotonic_deadline = time.monotonic() + timeout_ms / 1000
        self._channel = channel
        self._client: Optional["ToolBridgeClient"] = None
        self._nested = 0
        self.cancelled = False

    @property
    def remaining_ms(self) -> int:
        """Milliseconds left of the call's budget (0 when it is spent)."""
        return max(0, int((self._monotonic_deadline - time.monotonic()) * 1000))

    def _host(self) -> "ToolBridgeClient":
        from toolbridge.client import ToolBridgeClient

        if self._client is None:
            self._client = ToolBridgeClient(self._channel())
            self._client.session_id = self.session_id
        # Every nested operation gets at most what is left of this call's budget.
        self._client.timeout_ms = max(1, self.remaining_ms)
        self._client.stream_timeout_ms = max(1, self.remaining_ms)
        return self._client

    def _nested_request_id(self) -> str:
        # Derived from the call's own request_id: if the call is run again (its worker
        # died), its nested calls repeat their ids and the host answers them from its
        # idempotency cache instead of running them twice.
        self._nested += 1
        return f"{self.request_id}/{self._nested}"

    async def call(self, tool_id: str, *args: Any, **kwargs: Any) -> Any:
        """Calls another tool of this session (host, worker or session tool)."""
        client = self._host()
        return await client.call_tool(
            tool_id, args, kwargs, timeout_ms=client.timeout_ms, request_id=self._nested_request_id()
        )

    def stream(self, tool_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        """Streams another tool of this session."""
        return self._host().stream_tool(tool_id, *args, **kwargs)

    async def get_variable(self, name: str) -> Any:
        return await self._host().session_context.get_variable(name)

    async def set_variable(self, name: str, value: Any, **options: Any) -> int:
        """Creates or updates a session variable; returns its version (options as SessionContext.set_variable)."""
        options.setdefault("created_by", f"worker:{self.tool_name}")
        return await self._host().session_context.set_variable(name, value, **options)

    async def list_variables(self, prefix: str = "") -> Dict[str, Any]:
        return await self._host().session_context.list_variables(prefix)

    async def delete_variable(self, name: str) -> bool:
        return await self._host().session_context.delete_variable(name)
