"""ToolSpec <-> proto ToolSpec, and what the host publishes about its tools."""

from grpc_tool_bridge import ArgumentSpec, GRPCToolBridge, ToolSpec, ToolType
from toolbridge.v1 import tools_pb2


def test_round_trip_through_proto():
    spec = ToolSpec(
        tool_id="t1",
        name="calculate_sum",
        description="Adds two numbers",
        type=ToolType.BATCH,
        arguments=[ArgumentSpec(name="a", python_type="int", required=True), ArgumentSpec(name="b")],
        return_type="int",
        metadata={"owner": "math"},
    )
    message = spec.to_proto()
    assert message.type == tools_pb2.TOOL_TYPE_BATCH
    assert [a.type for a in message.arguments] == ["int", "any"]
    assert ToolSpec.from_proto(tools_pb2.ToolSpec.FromString(message.SerializeToString())) == spec


def test_every_proto_tool_type_has_a_member():
    for value in tools_pb2.ToolType.values():
        assert ToolType(value).value == value


async def test_host_specs_describe_the_tools(toolbridge_host):
    async with GRPCToolBridge(toolbridge_host) as bridge:
        tools = await bridge.initialize("spec_session")
        processor = tools["large_data_processor"].spec
        assert processor.type is ToolType.STREAMING
        assert [(a.name, a.required) for a in processor.arguments] == [("data", True), ("chunk_size", False)]
        assert tools["echo_tool"].spec.type is ToolType.STANDARD
        assert {"search_web", "calculate", "stream_data"} <= set(tools)
