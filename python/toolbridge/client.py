"""ToolBridgeClient: one session on one channel, the layer under GRPCToolBridge."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Sequence

import grpc

from toolbridge import calls
from toolbridge.agents import agent_event
from toolbridge.errors import ProtocolError, ToolBridgeError
from toolbridge.failures import error_from_rpc
from toolbridge.limits import DEFAULT_LIMITS
from toolbridge.session_context import SessionContext
from toolbridge.tool_spec import ToolSpec
from toolbridge.v1 import agents_pb2, sessions_pb2, tools_pb2
from toolbridge.v1.service_pb2_grpc import BridgeServiceStub


class ToolBridgeClient:
    """Speaks BridgeService for one session. `stub` may be replaced (tests do), and
    every call looks it up at call time."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        *,
        timeout_ms: int = DEFAULT_LIMITS["unaryTimeoutMs"],
        stream_timeout_ms: int = DEFAULT_LIMITS["streamTimeoutMs"],
        agent_timeout_ms: int = DEFAULT_LIMITS["agentTimeoutMs"],
        max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
    ) -> None:
        self.channel = channel
        self.stub = BridgeServiceStub(channel)
        self.session_id: Optional[str] = None
        self.timeout_ms = timeout_ms
        self.stream_timeout_ms = stream_timeout_ms
        self.agent_timeout_ms = agent_timeout_ms
        self.max_message_bytes = max_message_bytes
        self.capabilities: List[str] = []
        self.tool_specs: List[ToolSpec] = []
        self.session_context = SessionContext(self)

    async def _unary(self, subject: str, method: str, request: Any) -> Any:
        """A non-tool unary RPC; `subject` names what failed in errors."""
        try:
            return await getattr(self.stub, method)(request, timeout=self.timeout_ms / 1000)
        except grpc.RpcError as exc:
            raise error_from_rpc(subject, exc) from exc

    # Sessions

    async def initialize_session(
        self,
        session_id: str,
        *,
        metadata: Optional[Mapping[str, str]] = None,
        max_concurrent_tools: int = 0,
        default_timeout_ms: int = 0,
        idle_ttl_ms: int = 0,
    ) -> bool:
        """Opens the session; True on success. Its tools are in `tool_specs`."""
        request = sessions_pb2.InitializeSessionRequest(
            session_id=session_id,
            metadata=dict(metadata or {}),
            config=sessions_pb2.SessionConfig(
                max_concurrent_tools=max_concurrent_tools,
                default_timeout_ms=default_timeout_ms,
                idle_ttl_ms=idle_ttl_ms,
            ),
        )
        response = await self._unary(f"session {session_id}", "InitializeSession", request)
        if not response.success:
            raise ProtocolError(f"InitializeSession for {session_id} answered success=false without a status")
        self.session_id = session_id
        self.capabilities = list(response.capabilities)
        self.tool_specs = [ToolSpec.from_proto(spec) for spec in response.tools]
        return True

    async def get_tools(self) -> List[ToolSpec]:
        request = sessions_pb2.GetSessionToolsRequest(session_id=self.session_id or "")
        response = await self._unary("tools", "GetSessionTools", request)
        self.tool_specs = [ToolSpec.from_proto(spec) for spec in response.tools]
        return self.tool_specs

    async def get_session_info(self) -> sessions_pb2.SessionInfo:
        request = sessions_pb2.GetSessionInfoRequest(session_id=self.session_id or "")
        return (await self._unary(f"session {self.session_id}", "GetSessionInfo", request)).session

    async def cleanup_session(self, force: bool = False) -> sessions_pb2.CleanupSessionResponse:
        request = sessions_pb2.CleanupSessionRequest(session_id=self.session_id or "", force=force)
        return await self._unary(f"session {self.session_id}", "CleanupSession", request)

    # Tools

    async def execute_tool(self, tool_id: str, *args: Any, **kwargs: Any) -> Any:
        return await self.call_tool(tool_id, args, kwargs)

    async def call_tool(
        self,
        tool_id: str,
        args: Sequence[Any] = (),
        kwargs: Optional[Mapping[str, Any]] = None,
        *,
        timeout_ms: Optional[int] = None,
        request_id: str = "",
    ) -> Any:
        """execute_tool with per-call options; request_id makes a repeat idempotent."""
        return await calls.execute(
            self.stub,
            self.session_id,
            tool_id,
            args,
            kwargs,
            timeout_ms=timeout_ms or self.timeout_ms,
            max_message_bytes=self.max_message_bytes,
            request_id=request_id,
        )

    def stream_tool(self, tool_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        return calls.stream(
            self.stub,
            self.session_id,
            tool_id,
            args,
            kwargs,
            timeout_ms=self.stream_timeout_ms,
            max_message_bytes=self.max_message_bytes,
        )

    async def execute_batch(
        self,
        requests: Sequence[Mapping[str, Any]],
        *,
        parallel: bool = True,
        max_parallel: int = 0,
        stop_on_error: bool = False,
        return_exceptions: bool = False,
    ) -> List[Any]:
        """Runs [{tool_id, args, kwargs}, ...] in BatchExecuteTools round trips of at
        most maxBatchItems, results in request order. A failed item raises its error,
        or takes its place in the list with return_exceptions=True."""
        size = DEFAULT_LIMITS["maxBatchItems"]
        results: List[Any] = []
        for start in range(0, len(requests), size):
            results.extend(
                await self._batch_round(requests[start : start + size], parallel, max_parallel, stop_on_error)
            )
        if not return_exceptions:
            for outcome in results:
                if isinstance(outcome, BaseException):
                    raise outcome
        return results

    async def _batch_round(
        self, requests: Sequence[Mapping[str, Any]], parallel: bool, max_parallel: int, stop_on_error: bool
    ) -> List[Any]:
        items = [
            tools_pb2.BatchItem(
                tool_id=req["tool_id"],
                args=calls.encode_args(req.get("args", ())),
                kwargs=calls.encode_kwargs(req.get("kwargs") or {}),
                request_id=req.get("request_id", ""),
            )
            for req in requests
        ]
        request = tools_pb2.BatchExecuteToolsRequest(
            session_id=self.session_id or "",
            items=items,
            config=tools_pb2.BatchConfig(parallel=parallel, max_parallel=max_parallel, stop_on_error=stop_on_error),
            timeout_ms=self.timeout_ms,
        )
        calls.check_size("batch", request, self.max_message_bytes)
        response = await self._unary("batch", "BatchExecuteTools", request)
        if len(response.results) != len(items):
            raise ProtocolError(f"batch of {len(items)} items answered with {len(response.results)} results")
        outcomes: List[Any] = []
        for req, result in zip(requests, response.results):
            try:
                outcomes.append(calls.read_outcome(req["tool_id"], result))
            except ToolBridgeError as exc:
                outcomes.append(exc)
        return outcomes

    # Agents

    async def create_react_agent(
        self,
        signature: str,
        tool_names: Sequence[str] = (),
        max_iters: int = 0,
        *,
        llm_provider: str = "",
        llm_model: str = "",
        instructions: str = "",
    ) -> str:
        request = agents_pb2.CreateReActAgentRequest(
            session_id=self.session_id or "",
            signature=signature,
            tool_names=list(tool_names),
            max_iters=max_iters,
            llm=agents_pb2.LlmConfig(provider=llm_provider, model=llm_model),
            instructions=instructions,
        )
        return (await self._unary(f"agent {signature}", "CreateReActAgent", request)).agent_id

    async def execute_agent(
        self, agent_id: str, inputs: Mapping[str, Any], *, request_id: str = "", timeout_ms: int = 0
    ) -> AsyncIterator[Dict[str, Any]]:
        """Yields the run's events as dicts with a `type` key; an `error` event is the
        last one."""
        timeout = timeout_ms or self.agent_timeout_ms
        request = agents_pb2.ExecuteAgentRequest(
            session_id=self.session_id or "",
            agent_id=agent_id,
            inputs=calls.encode_kwargs(inputs),
            request_id=request_id,
            timeout_ms=timeout,
        )
        call = self.stub.ExecuteAgent(request, timeout=timeout / 1000)
        try:
            async for event in call:
                yield agent_event(event)
        except grpc.RpcError as exc:
            raise error_from_rpc(f"agent {agent_id}", exc) from exc
        finally:
            calls.cancel_call(call)

    async def close(self) -> None:
        await self.channel.close()

    async def __aenter__(self) -> "ToolBridgeClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

