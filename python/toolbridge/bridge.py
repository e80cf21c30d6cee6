"""GRPCToolBridge: the entry point of the Python client.

    bridge = GRPCToolBridge("127.0.0.1:50051")
    tools = await bridge.initialize("my_session")
    answer = await tools["calculate"](expression="2 + 2")
"""

from __future__ import annotations

import dataclasses
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Sequence, Tuple

import grpc

from toolbridge.calls import new_request_id
from toolbridge.channel import open_channel
from toolbridge.client import ToolBridgeClient
from toolbridge.limits import DEFAULT_LIMITS
from toolbridge.proxy_tool import AsyncGRPCProxyTool
from toolbridge.retry import RetryPolicy, run_with_retry


class GRPCToolBridge:
    """Opens a channel to a toolbridge host at `address` (host:port). Options:
    timeout_ms (per unary call), stream_timeout_ms, agent_timeout_ms,
    max_message_bytes, credentials (grpc.ChannelCredentials for TLS/mTLS),
    auth_token, channel_options (extra grpc options), retry (a RetryPolicy
    used by execute_with_retry)."""

    def __init__(
        self,
        address: str,
        *,
        timeout_ms: int = DEFAULT_LIMITS["unaryTimeoutMs"],
        stream_timeout_ms: int = DEFAULT_LIMITS["streamTimeoutMs"],
        agent_timeout_ms: int = DEFAULT_LIMITS["agentTimeoutMs"],
        max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
        credentials: Optional[grpc.ChannelCredentials] = None,
        auth_token: Optional[str] = None,
        channel_options: Sequence[Tuple[str, Any]] = (),
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.address = address
        self.retry = retry
        channel = open_channel(
            address,
            max_message_bytes=max_message_bytes,
            credentials=credentials,
            auth_token=auth_token,
            options=channel_options,
        )
        self.client = ToolBridgeClient(
            channel,
            timeout_ms=timeout_ms,
            stream_timeout_ms=stream_timeout_ms,
            agent_timeout_ms=agent_timeout_ms,
            max_message_bytes=max_message_bytes,
        )
        self.tools: Dict[str, AsyncGRPCProxyTool] = {}

    @property
    def session_id(self) -> Optional[str]:
        return self.client.session_id

    async def initialize(self, session_id: str, **session_options: Any) -> Dict[str, AsyncGRPCProxyTool]:
        """Opens the session and returns its tools by name (also kept as `tools`).
        session_options: metadata, max_concurrent_tools, default_timeout_ms, idle_ttl_ms."""
        await self.client.initialize_session(session_id, **session_options)
        self.tools = {spec.name: self._proxy(spec) for spec in self.client.tool_specs}
        return self.tools

    async def refresh_tools(self) -> Dict[str, AsyncGRPCProxyTool]:
        """Re-reads the session's tools (workers may have added some)."""
        self.tools = {spec.name: self._proxy(spec) for spec in await self.client.get_tools()}
        return self.tools

    def _proxy(self, spec: Any) -> AsyncGRPCProxyTool:
        c = self.client
        return AsyncGRPCProxyTool(
            spec,
            c.session_context,
            timeout_ms=c.timeout_ms,
            stream_timeout_ms=c.stream_timeout_ms,
            max_message_bytes=c.max_message_bytes,
        )

    async def execute_tool(self, tool_id: str, *args: Any, **kwargs: Any) -> Any:
        """Calls a tool by id or name. Also accepts the spec's batch-request form,
        execute_tool(tool_id=..., args=[...], kwargs={...})."""
        positional, keywords = _split_call(args, kwargs)
        return await self.client.call_tool(tool_id, positional, keywords)

    def stream_tool(self, tool_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        return self.client.stream_tool(tool_id, *args, **kwargs)

    async def execute_batch(self, requests: Sequence[Mapping[str, Any]], **options: Any) -> List[Any]:
        """[{tool_id, args, kwargs}, ...] -> results in order (see ToolBridgeClient.execute_batch)."""
        return await self.client.execute_batch(requests, **options)

    async def execute_with_retry(
        self, tool_id: str, *args: Any, max_retries: Optional[int] = None, **kwargs: Any
    ) -> Any:
        """Calls a tool, retrying rate limits (after the wait the host asked for),
        UNAVAILABLE and timed-out attempts, with one request_id for all attempts."""
        policy = self.retry if max_retries is None else dataclasses.replace(self.retry, max_retries=max_retries)
        request_id = new_request_id()
        return await run_with_retry(
            lambda: self.client.call_tool(tool_id, args, kwargs, request_id=request_id), policy
        )

    async def create_react_agent(
        self, signature: str, tool_names: Sequence[str] = (), max_iters: int = 0, **options: Any
    ) -> str:
        """Defines a ReAct agent ("question -> answer") over the named tools; returns its id.
        options: llm_provider ("scripted", "openai", ...), llm_model, instructions."""
        return await self.client.create_react_agent(signature, tool_names, max_iters, **options)

    def execute_agent_streaming(self, request: Mapping[str, Any]) -> AsyncIterator[Dict[str, Any]]:
        """Runs an agent: request = {"agent_id", "input": {...}} (optionally
        "request_id", "timeout_ms"); yields dicts whose `type` is thought, action,
        observation, result or error."""
        inputs = request.get("input", request.get("inputs", {}))
        return self.client.execute_agent(
            request["agent_id"],
            inputs,
            request_id=request.get("request_id", ""),
            timeout_ms=request.get("timeout_ms", 0),
        )

    async def cleanup(self, force: bool = False) -> None:
        await self.client.cleanup_session(force=force)

    async def close(self) -> None:
        await self.client.close()

    async def __aenter__(self) -> "GRPCToolBridge":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _split_call(args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Sequence[Any], Dict[str, Any]]:
    """Accepts both execute_tool("t", 1, x=2) and execute_tool(tool_id="t", args=[1], kwargs={"x": 2})."""
    keywords = dict(kwargs)
    positional = list(args)
    if "args" in keywords and isinstance(keywords["args"], (list, tuple)):
        positional += list(keywords.pop("args"))
    if "kwargs" in keywords and isinstance(keywords["kwargs"], Mapping):
        keywords.update(keywords.pop("kwargs"))
    return positional, keywords
