"""Port of the testing strategy's test_e2e_round_trip.py against a real TypeScript
host (the session fixture toolbridge_host replaces the spec's Elixir server).
The agent step needs the host's agent runtime with the scripted LLM test double."""

import asyncio

import pytest

from grpc_tool_bridge import GRPCToolBridge


class TestEndToEnd:
    """Full system integration tests."""

    @pytest.mark.asyncio
    async def test_complete_tool_flow(self, toolbridge_host):
        """Test complete flow: Python -> host -> tool -> host -> Python, then an agent."""
        # Initialize bridge
        bridge = GRPCToolBridge(toolbridge_host)
        session_id = "e2e_test_session"

        # Step 1: Initialize session (Python -> host)
        tools = await bridge.initialize(session_id)
        assert len(tools) > 0

        # Step 2: Execute a tool (Python -> host)
        search_tool = tools.get("search_web")
        assert search_tool is not None

        results = await search_tool("DSPy framework")
        assert isinstance(results, list)
        assert len(results) > 0

        # Step 3: Set a variable (Python -> host)
        await bridge.client.session_context.set_variable("search_results", results)

        # Step 4: Create ReAct agent (Python -> host)
        agent_id = await bridge.create_react_agent("Question -> Answer", tool_names=["search_web", "calculate"], max_iters=3)

        # Step 5: Execute agent (host runs the loop and calls the tools)
        agent_request = {"agent_id": agent_id, "input": {"question": "What is 2 + 2?"}, "stream": True}

        chunks = []
        async for chunk in bridge.execute_agent_streaming(agent_request):
            chunks.append(chunk)

        # Verify we got thought/action/observation chunks
        thought_chunks = [c for c in chunks if c.get("type") == "thought"]
        action_chunks = [c for c in chunks if c.get("type") == "action"]
        result_chunks = [c for c in chunks if c.get("type") == "result"]

        assert len(thought_chunks) > 0
        assert len(action_chunks) > 0
        assert len(result_chunks) == 1

        # Verify final answer
        final_answer = result_chunks[0]["final_answer"]
        assert "4" in str(final_answer)

        # Beyond the spec: the variable really lives in the host.
        assert await bridge.client.session_context.get_variable("search_results") == results
        await bridge.close()

    @pytest.mark.asyncio
    async def test_concurrent_sessions(self, toolbridge_host):
        """Test multiple concurrent sessions."""
        # Create multiple bridges
        bridges = [GRPCToolBridge(toolbridge_host) for _ in range(5)]

        # Initialize all sessions concurrently
        session_ids = [f"concurrent_session_{i}" for i in range(5)]

        init_tasks = [bridge.initialize(sid) for bridge, sid in zip(bridges, session_ids)]

        tools_list = await asyncio.gather(*init_tasks)

        # All should succeed
        assert all(len(tools) > 0 for tools in tools_list)

        # Execute tools concurrently
        exec_tasks = []
        for bridge, tools in zip(bridges, tools_list):
            tool = list(tools.values())[0]
            exec_tasks.append(tool("test_input"))

        results = await asyncio.gather(*exec_tasks, return_exceptions=True)

        # Verify no cross-session interference
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 0
        for bridge in bridges:
            await bridge.close()


class TestRoundTripBeyondSpec:
    """Cross-language behaviour the spec implies but does not spell out."""

    async def test_session_variables_isolated_and_shared_with_tools(self, toolbridge_host):
        async with GRPCToolBridge(toolbridge_host) as one, GRPCToolBridge(toolbridge_host) as two:
            await one.initialize("vars_one")
            await two.initialize("vars_two")
            ctx = one.client.session_context

            version = await ctx.set_variable("threshold", 0.95, tags=["tuning"])
            assert version == 1
            value, meta = await ctx.get_variable_with_metadata("threshold")
            assert value == 0.95 and meta["type"] == "float" and meta["tags"] == ["tuning"]

            # A tool running in the host sees and changes the same variable.
            assert await one.tools["session_writer"]("threshold", 0.5) == 0.95
            assert await ctx.get_variable("threshold") == 0.5
            assert await ctx.list_variables(prefix="thr") == {"threshold": 0.5}

            from grpc_tool_bridge import ToolBridgeError

            with pytest.raises(ToolBridgeError) as exc_info:
                await two.client.session_context.get_variable("threshold")
            assert exc_info.value.error_type == "VariableNotFound"
            assert await ctx.delete_variable("threshold") is True

    async def test_watch_sees_changes_in_order(self, toolbridge_host):
        async with GRPCToolBridge(toolbridge_host) as bridge:
            await bridge.initialize("watch_session")
            ctx = bridge.client.session_context
            await ctx.set_variable("step", 0)
            seen = []

            async def watch():
                async for change in ctx.watch(names=["step"], include_initial=True):
                    seen.append((change["change"], change["value"]))
                    if change["value"] == 2:
                        return

            watcher = asyncio.create_task(watch())
            while not seen:
                await asyncio.sleep(0.01)
            await ctx.set_variable("step", 1)
            await ctx.set_variable("step", 2)
            await asyncio.wait_for(watcher, 10)
            assert seen == [("initial", 0), ("set", 1), ("set", 2)]

    async def test_values_survive_the_round_trip(self, toolbridge_host):
        import datetime

        value = {
            "int64": 2**62 + 1,
            "negative": -7,
            "float": 0.1,
            "bytes": b"\x00\xff",
            "nested": [{"k": [1, 2.5, None, True]}],
            "unicode": "héllo ✓",
            "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
        }
        async with GRPCToolBridge(toolbridge_host) as bridge:
            await bridge.initialize("values_session")
            assert await bridge.tools["echo_tool"](value) == value

    async def test_streaming_demo_tool_in_order(self, toolbridge_host):
        async with GRPCToolBridge(toolbridge_host) as bridge:
            await bridge.initialize("stream_session")
            chunks = [c async for c in bridge.tools["stream_data"].stream(count=5, size=3, encoding="text")]
            assert chunks == ["aaa", "bbb", "ccc", "ddd", "eee"]

    async def test_batch_matches_sequential(self, toolbridge_host):
        async with GRPCToolBridge(toolbridge_host) as bridge:
            await bridge.initialize("batch_session")
            requests = [{"tool_id": "calculate", "args": [f"{i} * 3"], "kwargs": {}} for i in range(120)]
            sequential = [await bridge.execute_tool(**req) for req in requests[:10]]
            batch = await bridge.execute_batch(requests)
            assert batch[:10] == sequential
            assert len(batch) == 120  # two round trips of at most 100 items
            assert batch[119] == 357

    async def test_tool_errors_are_typed(self, toolbridge_host):
        from grpc_tool_bridge import ToolExecutionError, ValidationError

        async with GRPCToolBridge(toolbridge_host) as bridge:
            await bridge.initialize("errors_session")
            with pytest.raises(ToolExecutionError) as exc_info:
                await bridge.tools["failing_tool"]("out of stock")
            assert exc_info.value.error_type == "InventoryError"
            assert "out of stock" in str(exc_info.value)

            with pytest.raises(ValidationError) as exc_info:
                await bridge.tools["simple_tool"](42)
            assert "input" in exc_info.value.fields

            with pytest.raises(ToolExecutionError) as exc_info:
                await bridge.execute_tool("no_such_tool", 1)
            assert exc_info.value.error_type == "ToolNotFound"

            async with GRPCToolBridge(toolbridge_host) as second:
                with pytest.raises(ToolExecutionError) as exc_info:
                    await second.initialize("errors_session")
                assert exc_info.value.error_type == "AlreadyExists"
