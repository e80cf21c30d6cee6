"""Port of the testing strategy's test_async_grpc_proxy_tool.py: the proxy tool
alone, against a mocked stub (the spec's cases are about the client's own logic).
Changes from the spec: the imports it left implicit are explicit, and grpcio 1.51's
AioRpcError needs its metadata arguments (see rpc_error in conftest)."""

import asyncio
from unittest.mock import AsyncMock, MagicMock

import grpc
import pytest

from grpc_tool_bridge import (
    ArgumentSpec,
    AsyncGRPCProxyTool,
    ExecuteToolRequest,
    ProtocolError,
    ToolCommunicationError,
    ToolExecutionError,
    ToolSpec,
    ToolType,
    serialize_value,
)
from tests.support import rpc_error


class TestAsyncGRPCProxyTool:
    """Test the core proxy tool functionality."""

    @pytest.fixture
    def mock_session_context(self):
        """Create mock session context with gRPC stub."""
        context = MagicMock()
        context.session_id = "test_session_123"
        context.stub = AsyncMock()
        return context

    @pytest.fixture
    def tool_spec(self):
        """Sample tool specification."""
        return ToolSpec(
            tool_id="test_tool_456",
            name="calculate_sum",
            description="Adds two numbers",
            type=ToolType.STANDARD,
            arguments=[
                ArgumentSpec(name="a", python_type="int", required=True),
                ArgumentSpec(name="b", python_type="int", required=True),
            ],
        )

    @pytest.mark.asyncio
    async def test_successful_execution(self, mock_session_context, tool_spec):
        """Test successful tool execution."""
        # Arrange
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context)
        mock_response = MagicMock()
        mock_response.success = True
        mock_response.result = serialize_value(42)
        mock_session_context.stub.ExecuteTool.return_value = mock_response

        # Act
        result = await tool(5, 37)

        # Assert
        assert result == 42
        mock_session_context.stub.ExecuteTool.assert_called_once()
        call_args = mock_session_context.stub.ExecuteTool.call_args[0][0]
        assert call_args.tool_id == "test_tool_456"
        assert len(call_args.args) == 2

    @pytest.mark.asyncio
    async def test_execution_error(self, mock_session_context, tool_spec):
        """Test tool execution error handling."""
        # Arrange
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context)
        mock_response = MagicMock()
        mock_response.success = False
        mock_response.error.type = "ValidationError"
        mock_response.error.message = "Invalid input"
        mock_response.error.details = {"field": "a", "reason": "negative"}
        mock_session_context.stub.ExecuteTool.return_value = mock_response

        # Act & Assert
        with pytest.raises(ToolExecutionError) as exc_info:
            await tool(-5, 10)

        assert exc_info.value.tool_name == "calculate_sum"
        assert exc_info.value.error_type == "ValidationError"
        assert "Invalid input" in str(exc_info.value)
        assert exc_info.value.details["field"] == "a"

    @pytest.mark.asyncio
    async def test_grpc_error(self, mock_session_context, tool_spec):
        """Test gRPC communication error handling."""
        # Arrange
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context)
        mock_session_context.stub.ExecuteTool.side_effect = rpc_error(
            code=grpc.StatusCode.UNAVAILABLE, details="Service unavailable"
        )

        # Act & Assert
        with pytest.raises(ToolCommunicationError) as exc_info:
            await tool(5, 10)

        assert exc_info.value.tool_name == "calculate_sum"
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE

    @pytest.mark.asyncio
    async def test_timeout(self, mock_session_context, tool_spec):
        """Test execution timeout handling."""
        # Arrange
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context)

        async def slow_execution(*args):
            await asyncio.sleep(60)  # Longer than timeout

        mock_session_context.stub.ExecuteTool = slow_execution

        # Act & Assert
        with pytest.raises(asyncio.TimeoutError):
            # Override default timeout for test
            await asyncio.wait_for(tool(5, 10), timeout=0.1)

    # Beyond the spec: the client's own deadline, kwargs and malformed responses.

    @pytest.mark.asyncio
    async def test_own_deadline_raises_deadline_exceeded(self, mock_session_context, tool_spec):
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context, timeout_ms=50)

        async def never_answers(*args):
            await asyncio.sleep(60)

        mock_session_context.stub.ExecuteTool = never_answers
        with pytest.raises(ToolCommunicationError) as exc_info:
            await tool(1, 2)
        assert exc_info.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
        assert exc_info.value.error_type == "DeadlineExceeded"

    @pytest.mark.asyncio
    async def test_request_carries_session_kwargs_and_timeout(self, mock_session_context, tool_spec):
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context, timeout_ms=1234)
        response = MagicMock(success=True, result=serialize_value("ok"))
        mock_session_context.stub.ExecuteTool.return_value = response

        assert await tool(1, b=2) == "ok"

        request = mock_session_context.stub.ExecuteTool.call_args[0][0]
        assert request.session_id == "test_session_123"
        assert len(request.args) == 1
        assert set(request.kwargs) == {"b"}
        assert request.timeout_ms == 1234

    @pytest.mark.asyncio
    async def test_success_without_any_result_is_protocol_error(self, mock_session_context, tool_spec):
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context)
        mock_session_context.stub.ExecuteTool.return_value = MagicMock(success=True, result="42")
        with pytest.raises(ProtocolError):
            await tool(1, 2)

    @pytest.mark.asyncio
    async def test_size_limit_is_on_the_encoded_request(self, mock_session_context, tool_spec):
        """A request of exactly the limit is sent; one byte more is refused unsent."""
        limit = 4096
        tool = AsyncGRPCProxyTool(tool_spec, mock_session_context, max_message_bytes=limit)
        mock_session_context.stub.ExecuteTool.return_value = MagicMock(success=True, result=serialize_value(0))
        overhead = ExecuteToolRequest(
            session_id="test_session_123", tool_id="test_tool_456", args=[serialize_value("")], timeout_ms=30_000
        ).ByteSize()
        n = limit - overhead
        while ExecuteToolRequest(
            session_id="test_session_123", tool_id="test_tool_456", args=[serialize_value("x" * n)], timeout_ms=30_000
        ).ByteSize() > limit:
            n -= 1

        await tool("x" * n)
        assert mock_session_context.stub.ExecuteTool.call_count == 1
        assert mock_session_context.stub.ExecuteTool.call_args[0][0].ByteSize() == limit

        with pytest.raises(ToolExecutionError) as exc_info:
            await tool("x" * (n + 1))
        assert exc_info.value.error_type == "MessageTooLarge"
        assert "message too large" in str(exc_info.value).lower()
        assert mock_session_context.stub.ExecuteTool.call_count == 1
