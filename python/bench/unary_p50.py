"""Unary latency of the Python client through the TypeScript host, against a
baseline measured in the same run: a plain grpcio stub calling a bare grpc-js
server (raw_echo_server.mjs) that answers ExecuteTool with its argument.

    cd python && /usr/bin/python3 bench/unary_p50.py [--calls 3000] [--rounds 3]

Prints p50/p99 of each and the ratio of p50s (goal: <= 1.3). Rounds alternate
between the two so drift on a shared machine hits both alike.
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
from toolbridge import GRPCToolBridge, serialize_value  # noqa: E402
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

    async def raw_call():
        response = await stub.ExecuteTool(request)
        assert response.success

    async def bridge_call():
        assert await echo("x") == "x"

    await timed(raw_call, 300)  # warm-up: connect, JIT on both servers
    await timed(bridge_call, 300)
    raw, bridged = [], []
    for _ in range(rounds):
        raw += await timed(raw_call, calls)
        bridged += await timed(bridge_call, calls)
    await bridge.close()
    await channel.close()

    raw_p50, bridge_p50 = statistics.median(raw), statistics.median(bridged)
    print(f"raw grpcio stub -> bare grpc-js server : p50 {raw_p50:7.0f} us  p99 {percentile(raw, 0.99):7.0f} us")
    print(f"toolbridge client -> toolbridge host   : p50 {bridge_p50:7.0f} us  p99 {percentile(bridged, 0.99):7.0f} us")
    print(f"ratio of p50s: {bridge_p50 / raw_p50:.2f}x (goal <= 1.3x), {rounds} x {calls} calls each")


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
