"""Unary latency of the Python client through the TypeScript host, against a
baseline measured in the same run: a plain grpcio stub calling a bare grpc-js
server (raw_echo_server.mjs) that answers ExecuteTool with its argument.

    cd python && /usr/bin/python3 bench/unary_p50.py [--calls 3000] [--rounds 3]

Prints p50/p99 of each path and two ratios of p50s (goal: <= 1.3x): against the
same client calling the bare server (the host's overhead) and against a plain
stub calling it (client and host overhead together). Rounds alternate between
the paths so drift on a shared machine hits all alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402

from tests.host_process import HostProcess, build_host  # noqa: E402
from toolbridge import AsyncGRPCProxyTool, GRPCToolBridge, ToolSpec, serialize_value  # noqa: E402
from toolbridge.v1.service_pb2_grpc import BridgeServiceStub  # noqa: E402
from toolbridge.v1.tools_pb2 import ExecuteToolRequest  # noqa: E402

RAW_SERVER = Path(__file__).with_name("raw_echo_server.mjs")


async def timed(call, n: int) -> list:
    samples = []
    for _ in range(n):
        started = time.perf_counter_ns()
        await call()
        samples.append((time.perf_counter_ns() - started) / 1000)
    return samples


def percentile(samples: list, p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def measure(host_address: str, raw_address: str, calls: int, rounds: int) -> None:
    bridge = GRPCToolBridge(host_address)
    tools = await bridge.initialize("bench_unary")
    echo = tools["echo_tool"]

    channel = grpc.aio.insecure_channel(raw_address)
    stub = BridgeServiceStub(channel)
    request = ExecuteToolRequest(tool_id="echo", args=[serialize_value("x")])
    # The same plain stub against the toolbridge host splits the overhead into host and client parts.
    host_channel = grpc.aio.insecure_channel(host_address)
    host_stub = BridgeServiceStub(host_channel)
    host_request = ExecuteToolRequest(session_id="bench_unary", tool_id="echo_tool", args=[serialize_value("x")])

    async def raw_call():
        response = await stub.ExecuteTool(request)
        assert response.success

    async def stub_to_host_call():
        response = await host_stub.ExecuteTool(host_request)
        assert response.success

    async def bridge_call():
        assert await echo("x") == "x"

    # The toolbridge client against the bare server: the like-for-like baseline.
    bare = GRPCToolBridge(raw_address)
    bare_echo = AsyncGRPCProxyTool(ToolSpec(tool_id="echo", name="echo"), bare.client.session_context)

    async def client_to_bare_call():
        assert await bare_echo("x") == "x"

    for call in (raw_call, stub_to_host_call, client_to_bare_call, bridge_call):
        await timed(call, 300)  # warm-up: connect, JIT on both servers
    raw, stub_host, client_bare, bridged = [], [], [], []
    for _ in range(rounds):
        raw += await timed(raw_call, calls)
        stub_host += await timed(stub_to_host_call, calls)
        client_bare += await timed(client_to_bare_call, calls)
        bridged += await timed(bridge_call, calls)
    await bridge.close()
    await bare.close()
    await channel.close()
    await host_channel.close()

    raw_p50, bridge_p50 = statistics.median(raw), statistics.median(bridged)
    for label, samples in (
        ("raw grpcio stub -> bare grpc-js server", raw),
        ("raw grpcio stub -> toolbridge host    ", stub_host),
        ("toolbridge client -> bare grpc-js     ", client_bare),
        ("toolbridge client -> toolbridge host  ", bridged),
    ):
        print(f"{label}: p50 {statistics.median(samples):7.0f} us  p99 {percentile(samples, 0.99):7.0f} us")
    print(f"{rounds} x {calls} calls each; goal: client -> host p50 <= 1.3x")
    print(f"  client -> host vs client -> bare server (host overhead): {bridge_p50 / statistics.median(client_bare):.2f}x")
    print(f"  client -> host vs raw stub -> bare server (all overhead): {bridge_p50 / raw_p50:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    build_host()
    host, raw = HostProcess(), HostProcess(RAW_SERVER)
    try:
        host_address = host.start()
        raw_address = raw.start()
        asyncio.run(measure(host_address, raw_address, options.calls, options.rounds))
    finally:
        host.stop()
        raw.stop()


if __name__ == "__main__":
    main()
