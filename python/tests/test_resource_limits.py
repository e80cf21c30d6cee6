"""Port of the testing strategy's test_resource_limits.py against a real TypeScript host."""

import gc
import os

import psutil
import pytest

from grpc_tool_bridge import GRPCToolBridge, ToolExecutionError


class TestResourceLimits:
    """Test resource consumption and limits."""

    @pytest.mark.asyncio
    async def test_large_payload_handling(self, toolbridge_host):
        """Test handling of large payloads."""
        bridge = GRPCToolBridge(toolbridge_host)
        await bridge.initialize("large_payload_test")

        # Create large data structure (9MB - under 10MB limit)
        large_data = "x" * (9 * 1024 * 1024)

        # Should succeed
        tool = bridge.tools["echo_tool"]
        result = await tool(large_data)
        assert len(result) == len(large_data)

        # Create too-large data (11MB - over limit)
        too_large = "x" * (11 * 1024 * 1024)

        # Should fail with appropriate error
        with pytest.raises(ToolExecutionError) as exc_info:
            await tool(too_large)

        assert "message too large" in str(exc_info.value).lower()
        await bridge.close()

    @pytest.mark.asyncio
    async def test_memory_leak_detection(self, toolbridge_host):
        """Test for memory leaks in long-running operations."""
        bridge = GRPCToolBridge(toolbridge_host)
        await bridge.initialize("memory_test")

        process = psutil.Process(os.getpid())
        initial_memory = process.memory_info().rss / 1024 / 1024  # MB

        # Execute many operations
        tool = bridge.tools["simple_tool"]
        for i in range(1000):
            await tool(f"iteration_{i}")

            # Check memory every 100 iterations
            if i % 100 == 0:
                current_memory = process.memory_info().rss / 1024 / 1024
                memory_growth = current_memory - initial_memory

                # Memory growth should be bounded
                assert memory_growth < 100  # Less than 100MB growth

        # Force garbage collection
        gc.collect()

        # Memory should return close to initial
        final_memory = process.memory_info().rss / 1024 / 1024
        assert final_memory - initial_memory < 50  # Less than 50MB retained
        await bridge.close()


class TestLimitsBeyondSpec:
    async def test_host_refuses_too_large_when_client_lets_it_through(self, toolbridge_host):
        """A client configured with a larger limit sends 11 MB; the host's own 10 MB
        limit answers MessageTooLarge, read the same way as the client's check."""
        async with GRPCToolBridge(toolbridge_host, max_message_bytes=16 * 1024 * 1024) as bridge:
            tools = await bridge.initialize("host_side_limit")
            with pytest.raises(ToolExecutionError) as exc_info:
                await tools["echo_tool"]("x" * (11 * 1024 * 1024))
            assert exc_info.value.error_type == "MessageTooLarge"
            assert "message too large" in str(exc_info.value).lower()
