"""Port of the testing strategy's test_grpc_integration.py: ToolBridgeClient over a
real gRPC channel to ScriptedBridgeServer, a scripted test double of the host
(grpc_testing is not available; this is a real grpc.aio server on loopback).
Changes from the spec: the server is started by an async fixture, and stream chunks
set their oneof field directly (data=..., complete=...) as Python protobuf requires."""

import grpc
import pytest

from grpc_tool_bridge import (
    CompleteSignal,
    ErrorInfo,
    ExecutionMetrics,
    InitializeSessionResponse,
    ProtocolError,
    SessionExpiredError,
    ToolBridgeClient,
    ToolCallResponse,
    ToolCommunicationError,
    ToolExecutionError,
    ToolStreamChunk,
    serialize_value,
)
from tests.scripted_server import ScriptedBridgeServer


@pytest.fixture
async def mock_grpc_server():
    """A scripted BridgeService on 127.0.0.1:0, stopped after the test."""
    server = await ScriptedBridgeServer().start()
    yield server
    await server.stop()


class TestGRPCIntegration:
    """Test gRPC communication with a scripted server."""

    @pytest.mark.asyncio
    async def test_session_initialization(self, mock_grpc_server):
        """Test session initialization flow."""
        # Arrange
        with mock_grpc_server as server:
            channel = server.channel()
            client = ToolBridgeClient(channel)

            # Setup expected response
            server.set_response(
                "InitializeSession",
                InitializeSessionResponse(success=True, tool_count=3, capabilities=["streaming", "variables"]),
            )

            # Act
            result = await client.initialize_session("test_session")

            # Assert
            assert result is True
            assert client.session_id == "test_session"

            # Verify request
            requests = server.requests_for("InitializeSession")
            assert len(requests) == 1
            assert requests[0].session_id == "test_session"

    @pytest.mark.asyncio
    async def test_tool_execution_success(self, mock_grpc_server):
        """Test successful tool execution."""
        with mock_grpc_server as server:
            channel = server.channel()
            client = ToolBridgeClient(channel)
            client.session_id = "test_session"

            # Setup response
            server.set_response(
                "ExecuteTool",
                ToolCallResponse(
                    success=True,
                    result=serialize_value({"answer": 42}),
                    metrics=ExecutionMetrics(duration_ms=15),
                ),
            )

            # Execute
            result = await client.execute_tool("calculate", 40, 2)

            # Verify
            assert result == {"answer": 42}

    @pytest.mark.asyncio
    async def test_streaming_tool(self, mock_grpc_server):
        """Test streaming tool execution."""
        with mock_grpc_server as server:
            channel = server.channel()
            client = ToolBridgeClient(channel)
            client.session_id = "test_session"

            # Setup streaming response
            chunks = [
                ToolStreamChunk(stream_id="stream_1", sequence=0, data=serialize_value("chunk_1")),
                ToolStreamChunk(stream_id="stream_1", sequence=1, data=serialize_value("chunk_2")),
                ToolStreamChunk(stream_id="stream_1", sequence=2, complete=CompleteSignal(total_chunks=2)),
            ]
            server.set_streaming_response("StreamTool", chunks)

            # Execute and collect results
            results = []
            async for chunk in client.stream_tool("process_data", [1, 2, 3]):
                results.append(chunk)

            # Verify
            assert results == ["chunk_1", "chunk_2"]


class TestWireContract:
    """Beyond the spec: what the client sends, and how it reads what a host may answer."""

    async def test_execute_request_fields(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel(), timeout_ms=2500)
        client.session_id = "s1"
        mock_grpc_server.set_response("ExecuteTool", ToolCallResponse(success=True, result=serialize_value(None)))

        assert await client.execute_tool("calculate", 40, 2, mode="fast") is None

        (request,) = mock_grpc_server.requests_for("ExecuteTool")
        assert (request.session_id, request.tool_id, request.timeout_ms) == ("s1", "calculate", 2500)
        assert len(request.args) == 2 and list(request.kwargs) == ["mode"]

    async def test_status_with_error_info_becomes_typed_error(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        info = ErrorInfo(type="SessionExpired", message="session s1 has ended", session_id="s1")
        mock_grpc_server.set_error("ExecuteTool", grpc.StatusCode.FAILED_PRECONDITION, "session s1 has ended", info)

        with pytest.raises(SessionExpiredError) as exc_info:
            await client.execute_tool("calculate", 1)
        assert exc_info.value.error_type == "SessionExpired"
        assert isinstance(exc_info.value, ToolExecutionError)
        assert "session s1 has ended" in str(exc_info.value)

    async def test_rate_limit_status_reads_retry_after(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        info = ErrorInfo(type="RateLimitExceeded", message="slow down", retry_after_ms=1500)
        mock_grpc_server.set_error("ExecuteTool", grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", info)

        with pytest.raises(ToolExecutionError) as exc_info:
            await client.execute_tool("calculate", 1)
        assert exc_info.value.error_type == "RateLimitExceeded"
        assert exc_info.value.retry_after_ms == 1500

    async def test_status_without_error_info_is_communication_error(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_error("ExecuteTool", grpc.StatusCode.UNAVAILABLE, "draining")

        with pytest.raises(ToolCommunicationError) as exc_info:
            await client.execute_tool("calculate", 1)
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE

    async def test_stream_error_chunk_raises_after_data(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_streaming_response(
            "StreamTool",
            [
                ToolStreamChunk(sequence=0, data=serialize_value(1)),
                ToolStreamChunk(sequence=1, error=ErrorInfo(type="ToolError", message="disk full")),
            ],
        )
        received = []
        with pytest.raises(ToolExecutionError) as exc_info:
            async for value in client.stream_tool("writer"):
                received.append(value)
        assert received == [1]
        assert exc_info.value.error_type == "ToolError"

    async def test_failure_without_error_type_is_protocol_error(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_response("ExecuteTool", ToolCallResponse(success=False))
        with pytest.raises(ProtocolError):
            await client.execute_tool("calculate", 1)

    @pytest.mark.parametrize(
        "chunks",
        [
            # a gap in the sequence
            [ToolStreamChunk(sequence=0, data=serialize_value(1)), ToolStreamChunk(sequence=2, data=serialize_value(2))],
            # the stream ends without a complete chunk
            [ToolStreamChunk(sequence=0, data=serialize_value(1))],
            # complete claims more chunks than arrived
            [ToolStreamChunk(sequence=0, data=serialize_value(1)), ToolStreamChunk(sequence=1, complete=CompleteSignal(total_chunks=5))],
        ],
        ids=["gap", "no-complete", "count-mismatch"],
    )
    async def test_broken_streams_are_protocol_errors(self, mock_grpc_server, chunks):
        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_streaming_response("StreamTool", chunks)
        with pytest.raises(ProtocolError):
            async for _ in client.stream_tool("broken"):
                pass

    async def test_stream_dropped_after_chunks(self, mock_grpc_server):
        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_streaming_response(
            "StreamTool",
            [ToolStreamChunk(sequence=i, data=serialize_value(i)) for i in range(3)],
            then_fail=grpc.StatusCode.UNAVAILABLE,
        )
        received = []
        with pytest.raises(ToolCommunicationError) as exc_info:
            async for value in client.stream_tool("numbers"):
                received.append(value)
        assert received == [0, 1, 2]
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE

    async def test_batch_results_in_order_with_failures(self, mock_grpc_server):
        from grpc_tool_bridge import BatchExecuteToolsResponse

        client = ToolBridgeClient(mock_grpc_server.channel())
        mock_grpc_server.set_response(
            "BatchExecuteTools",
            BatchExecuteToolsResponse(
                results=[
                    ToolCallResponse(success=True, result=serialize_value("a")),
                    ToolCallResponse(success=False, error=ErrorInfo(type="ToolNotFound", message="no such tool")),
                ]
            ),
        )
        requests = [{"tool_id": "echo", "args": ["a"], "kwargs": {}}, {"tool_id": "missing", "args": [], "kwargs": {}}]

        outcomes = await client.execute_batch(requests, return_exceptions=True)
        assert outcomes[0] == "a"
        assert isinstance(outcomes[1], ToolExecutionError) and outcomes[1].error_type == "ToolNotFound"
        with pytest.raises(ToolExecutionError):
            await client.execute_batch(requests)
        sent = mock_grpc_server.requests_for("BatchExecuteTools")[0]
        assert [item.tool_id for item in sent.items] == ["echo", "missing"]
