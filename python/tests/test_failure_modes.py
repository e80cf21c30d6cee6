"""Port of the testing strategy's test_failure_modes.py against a real TypeScript host.

As in the spec, some cases replace one method of `bridge.client.stub` to inject a
failure the host would not produce on demand (a dropped connection after two
chunks, a hung first attempt, a malformed message, a rate-limit answer); the rest
of the call path is real. Cases the spec gave a long wait (a 40 s hang against the
30 s default deadline, a 10 s retry_after) run both as written (marked slow) and
with a short wait, so the default suite stays fast. Further cases below use the
real host only: a killed host, a cleaned-up session, a real rate limit.
"""

import asyncio
import time
import uuid
from unittest.mock import AsyncMock, MagicMock

import grpc
import pytest

from grpc_tool_bridge import (
    CleanupSessionRequest,
    ErrorInfo,
    GRPCToolBridge,
    ProtocolError,
    RateLimitedError,
    RetryPolicy,
    ToolCallResponse,
    ToolCommunicationError,
    ToolExecutionError,
    serialize_value,
)
from tests.support import rpc_error


class TestFailureModes:
    """Test various failure scenarios."""

    @pytest.mark.asyncio
    async def test_connection_drop_during_stream(self, toolbridge_host):
        """Test handling of connection drop during streaming."""
        bridge = GRPCToolBridge(toolbridge_host)
        await bridge.initialize("failure_test")

        # Mock connection drop after 2 chunks
        original_stream = bridge.client.stub.StreamTool
        chunks_sent = 0

        async def failing_stream(*args, **kwargs):
            async for chunk in original_stream(*args, **kwargs):
                nonlocal chunks_sent
                chunks_sent += 1
                if chunks_sent > 2:
                    raise rpc_error(code=grpc.StatusCode.UNAVAILABLE, details="Connection lost")
                yield chunk

        bridge.client.stub.StreamTool = failing_stream

        # Execute streaming tool
        tool = bridge.tools["large_data_processor"]
        results = []

        with pytest.raises(ToolCommunicationError) as exc_info:
            async for chunk in tool.stream(range(1000)):
                results.append(chunk)

        # Verify partial results were received
        assert len(results) == 2
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE
        await bridge.close()

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "timeout_ms", [pytest.param(None, marks=pytest.mark.slow, id="spec-default-30s"), pytest.param(200, id="200ms")]
    )
    async def test_timeout_recovery(self, toolbridge_host, timeout_ms):
        """Test timeout and retry mechanism."""
        options = {} if timeout_ms is None else {"timeout_ms": timeout_ms}
        bridge = GRPCToolBridge(toolbridge_host, **options)
        await bridge.initialize(f"timeout_test_{timeout_ms}")

        # Mock slow tool
        call_count = 0

        async def slow_then_fast(*args, **kwargs):
            nonlocal call_count
            call_count += 1

            if call_count == 1:
                # First call times out
                await asyncio.sleep(40)  # Longer than timeout
            else:
                # Retry succeeds quickly
                return ToolCallResponse(success=True, result=serialize_value("success"))

        bridge.client.stub.ExecuteTool = slow_then_fast

        # Execute with retry
        tool = bridge.tools["flaky_tool"]
        assert tool is not None
        result = await bridge.execute_with_retry("flaky_tool", max_retries=2)

        # Verify retry worked
        assert result == "success"
        assert call_count == 2
        await bridge.close()

    @pytest.mark.asyncio
    async def test_elixir_crash_recovery(self, toolbridge_host):
        """A session ended under the client (the spec's stand-in for a host crash):
        later calls fail with SessionExpired."""
        bridge = GRPCToolBridge(toolbridge_host)
        session_id = "crash_test"
        await bridge.initialize(session_id)

        # Simulate a crash by killing the session
        await bridge.client.stub.CleanupSession(CleanupSessionRequest(session_id=session_id, force=True))

        # Try to use tool after crash
        tool = bridge.tools["any_tool"]

        with pytest.raises(ToolExecutionError) as exc_info:
            await tool("input")

        assert exc_info.value.error_type == "SessionExpired"
        await bridge.close()

    @pytest.mark.asyncio
    async def test_malformed_protobuf(self, toolbridge_host):
        """Test handling of malformed protobuf messages."""
        bridge = GRPCToolBridge(toolbridge_host)

        # Mock malformed response
        async def bad_response(*args, **kwargs):
            # Return object missing required fields
            return MagicMock(spec=ToolCallResponse)

        bridge.client.stub.ExecuteTool = bad_response

        with pytest.raises(ProtocolError):
            await bridge.execute_tool("any_tool", "input")
        await bridge.close()

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "retry_after", [pytest.param("10", marks=pytest.mark.slow, id="spec-10s"), pytest.param("0.3", id="0.3s")]
    )
    async def test_rate_limit_handling(self, toolbridge_host, retry_after):
        """Test rate limit error handling."""
        bridge = GRPCToolBridge(toolbridge_host)
        await bridge.initialize(f"rate_limit_test_{retry_after}")

        # Mock rate limit response
        bridge.client.stub.ExecuteTool = AsyncMock(
            return_value=ToolCallResponse(
                success=False,
                error=ErrorInfo(type="RateLimitExceeded", message="Too many requests", details={"retry_after": retry_after}),
            )
        )

        # Execute with retry
        start_time = time.time()

        with pytest.raises(ToolExecutionError) as exc_info:
            await bridge.execute_with_retry("rate_limited_tool", max_retries=1)

        # Verify backoff was applied
        elapsed = time.time() - start_time
        assert elapsed >= float(retry_after)  # Should have waited at least retry_after seconds
        assert exc_info.value.error_type == "RateLimitExceeded"
        # Beyond the spec: one retry, with the same request_id (idempotent).
        calls = bridge.client.stub.ExecuteTool.call_args_list
        assert len(calls) == 2
        assert calls[0][0][0].request_id == calls[1][0][0].request_id != ""
        await bridge.close()


class TestFailuresAgainstTheRealHost:
    """The same failures, produced by the host itself rather than a replaced stub method."""

    async def test_host_killed_mid_stream(self, private_host):
        """The connection really drops: the chunks that arrived are yielded, then
        ToolCommunicationError UNAVAILABLE — no hang, no silent end."""
        bridge = GRPCToolBridge(private_host.address)
        tools = await bridge.initialize("killed_mid_stream")
        received = []
        with pytest.raises(ToolCommunicationError) as exc_info:
            async for chunk in tools["stream_data"].stream(count=1000, size=8, encoding="text", delay_ms=50):
                received.append(chunk)
                if len(received) == 2:
                    private_host.kill()
        assert received[:2] == ["a" * 8, "b" * 8]
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE
        await bridge.close()

    async def test_host_down_is_unavailable_and_retried(self, private_host):
        bridge = GRPCToolBridge(private_host.address, retry=RetryPolicy(max_retries=2, initial_backoff_ms=10))
        tools = await bridge.initialize("host_down")
        private_host.kill()
        with pytest.raises(ToolCommunicationError) as exc_info:
            await tools["echo_tool"]("x")
        assert exc_info.value.code == grpc.StatusCode.UNAVAILABLE
        with pytest.raises(ToolCommunicationError):
            await bridge.execute_with_retry("echo_tool", "x")
        await bridge.close()

    async def test_tool_timeout_is_an_outcome_not_retried(self, toolbridge_host):
        """flaky_tool really hangs on its first call. The host's deadline (the call's
        timeout_ms) ends it with TimeoutError, an outcome remembered under the
        request_id, so execute_with_retry does not repeat it; a new call succeeds."""
        bridge = GRPCToolBridge(toolbridge_host, timeout_ms=300)
        await bridge.initialize("flaky_real")
        key = uuid.uuid4().hex
        with pytest.raises(ToolExecutionError) as exc_info:
            await bridge.execute_with_retry("flaky_tool", key=key, slow_ms=10_000, max_retries=2)
        assert exc_info.value.error_type == "TimeoutError"
        assert await bridge.execute_tool("flaky_tool", key=key, slow_ms=10_000) == "success"
        await bridge.close()

    async def test_frozen_host_hits_the_client_deadline_then_retry_succeeds(self, private_host):
        """A host that does not answer at all (stopped with SIGSTOP): the client's own
        deadline ends the attempt with DEADLINE_EXCEEDED; the retry reaches the host
        once it runs again."""
        import signal

        bridge = GRPCToolBridge(private_host.address, timeout_ms=300)
        tools = await bridge.initialize("frozen_host")
        assert await tools["echo_tool"]("warm") == "warm"
        private_host.proc.send_signal(signal.SIGSTOP)
        try:
            with pytest.raises(ToolCommunicationError) as exc_info:
                await tools["echo_tool"]("x")
            assert exc_info.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
            attempt = asyncio.create_task(bridge.execute_with_retry("echo_tool", "y", max_retries=5))
            await asyncio.sleep(0.2)
        finally:
            private_host.proc.send_signal(signal.SIGCONT)
        assert await attempt == "y"
        await bridge.close()

    async def test_cleanup_then_call_is_session_expired(self, toolbridge_host):
        from grpc_tool_bridge import SessionExpiredError

        bridge = GRPCToolBridge(toolbridge_host)
        await bridge.initialize("cleanup_then_call")
        await bridge.cleanup(force=True)
        with pytest.raises(SessionExpiredError):
            await bridge.tools["echo_tool"]("x")
        with pytest.raises(SessionExpiredError):
            await bridge.client.session_context.get_variable("anything")
        await bridge.close()

    async def test_real_rate_limit_reports_retry_after(self, toolbridge_host):
        """rate_limited_tool allows one call a minute (host token bucket). The second
        call is refused with the wait; a retry policy whose deadline is shorter than
        that wait gives up instead of sleeping."""
        bridge = GRPCToolBridge(toolbridge_host, retry=RetryPolicy(max_retries=3, deadline_ms=2_000))
        tools = await bridge.initialize("real_rate_limit")
        assert await tools["rate_limited_tool"]() == "ok"
        with pytest.raises(RateLimitedError) as exc_info:
            await tools["rate_limited_tool"]()
        assert exc_info.value.error_type == "RateLimitExceeded"
        assert 0 < exc_info.value.retry_after_ms <= 60_000
        # Gives up without sleeping ~60 s (a wait past the deadline is refused).
        with pytest.raises(RateLimitedError):
            await bridge.execute_with_retry("rate_limited_tool")
        await bridge.close()
