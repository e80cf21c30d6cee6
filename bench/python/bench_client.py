"""Python side of the python-client scenario: sequential small echo calls, printed
as one JSON line of latency stats in microseconds.

  --side toolbridge: the toolbridge Python client (GRPCToolBridge) against a host.
  --side baseline:   the generated stubs alone (grpc.aio, no toolbridge runtime
                     code) against the baseline server, sending the same bytes:
                     an ExecuteToolRequest whose first arg is a packed Value.
Run with /usr/bin/python3 and PYTHONPATH=python (bench/scenarios/python-client.mjs does).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from typing import Awaitable, Callable, List

import uuid

import grpc
from google.protobuf import any_pb2, wrappers_pb2

PAYLOAD = "benchmark_input"  # the same as bench/lib/workload.mjs
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


async def toolbridge_caller(address: str):
    from toolbridge import GRPCToolBridge

    bridge = GRPCToolBridge(address)
    tools = await bridge.initialize(f"bench-py-{os.getpid()}")
    echo = tools["echo"]

    async def call() -> str:
        return await echo(PAYLOAD)

    return call, bridge.close


def import_stubs_only():
    """Registers `toolbridge` as a bare namespace over python/toolbridge, so the
    generated stubs import without running the package's __init__ (the baseline
    must not load any toolbridge runtime code)."""
    import sys
    import types

    here = os.path.dirname(os.path.abspath(__file__))
    package = types.ModuleType("toolbridge")
    package.__path__ = [os.path.join(here, "..", "..", "python", "toolbridge")]
    sys.modules["toolbridge"] = package


async def baseline_caller(address: str):
    import_stubs_only()
    from toolbridge.v1 import service_pb2_grpc, tools_pb2

    channel = grpc.aio.insecure_channel(
        address,
        options=[
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    stub = service_pb2_grpc.BridgeServiceStub(channel)
    session_id = f"bench-py-{os.getpid()}"

    async def call() -> str:
        arg = any_pb2.Any()
        arg.Pack(wrappers_pb2.StringValue(value=PAYLOAD))
        request = tools_pb2.ExecuteToolRequest(
            session_id=session_id, tool_id="echo", args=[arg], request_id=str(uuid.uuid4())
        )
        response = await stub.ExecuteTool(request)
        value = wrappers_pb2.StringValue()
        response.result.Unpack(value)
        return value.value

    return call, channel.close


def percentile(sorted_values: List[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return sorted_values[index]


async def measure(call: Callable[[], Awaitable[str]], count: int, warmup: int) -> dict:
    first = await call()
    if first != PAYLOAD:
        raise SystemExit(f"echo returned {first!r}, expected {PAYLOAD!r}")
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        await call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return {
        "count": count,
        "p50": percentile(samples, 0.50),
        "p99": percentile(samples, 0.99),
        "mean": sum(samples) / count,
        "max": samples[-1],
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", choices=["toolbridge", "baseline"], required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    options = parser.parse_args()
    make = toolbridge_caller if options.side == "toolbridge" else baseline_caller
    call, close = await make(options.address)
    try:
        stats = await measure(call, options.count, options.warmup)
    finally:
        await close()
    print(json.dumps(stats))


if __name__ == "__main__":
    asyncio.run(main())
