"""Worker-hosted Python tools: @tool spec derivation, and real round trips through a
TypeScript host (examples/workers/supervised_host.mjs, run from source) to Python
workers, called from the Python client."""

from __future__ import annotations

import asyncio
import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import AsyncIterator, Dict, List, Optional

import pytest

from toolbridge import GRPCToolBridge, ToolBridgeError
from toolbridge.v1 import tools_pb2
from toolbridge.worker import ToolContext, Worker, tool
from toolbridge.worker.spec import parse_docstring

REPO = Path(__file__).resolve().parents[2]
LOADER = REPO / "packages/host/src/workers/testing/register.mjs"
HOST = REPO / "examples/workers/supervised_host.mjs"
PY_WORKER = REPO / "examples/workers/python_worker.py"


class WorkerHost:
    """A host process that supervises Python workers; prints its address and worker pids."""

    def __init__(self, config: dict) -> None:
        self.proc = subprocess.Popen(
            ["node", "--import", str(LOADER), str(HOST), json.dumps(config)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                lines.put(line.strip())
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self.address = ""
        self.pids: List[int] = []
        while not self.pids:
            line = lines.get(timeout=60)
            if line is None:
                raise RuntimeError("worker host exited before it was ready")
            if line.startswith("toolbridge listening on "):
                self.address = line.rsplit(" ", 1)[1]
            elif line.startswith("worker pids: "):
                self.pids = [int(p) for p in line.split(": ", 1)[1].split(",")]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def worker_host():
    host = WorkerHost({"workers": [{"command": "/usr/bin/python3", "args": [str(PY_WORKER)], "count": 2, "name": "py"}]})
    yield host
    host.stop()


# ---- spec derivation (no host) ----------------------------------------------------


def test_tool_spec_comes_from_type_hints_and_docstring():
    @tool
    async def search(query: str, limit: int = 10, tags: Optional[List[str]] = None, ctx: ToolContext = None) -> List[str]:
        """Searches the index.

        Longer text that is not the summary.

        Args:
            query: what to look for,
                over several lines.
            limit: most results.
        """
        return []

    spec = search.to_proto()
    assert spec.name == "search"
    assert spec.description == "Searches the index."
    assert spec.type == tools_pb2.TOOL_TYPE_STANDARD
    assert spec.location == tools_pb2.TOOL_LOCATION_WORKER
    assert [(a.name, a.type, a.required) for a in spec.arguments] == [
        ("query", "str", True),
        ("limit", "int", False),
        ("tags", "list[str]", False),
    ]
    assert spec.arguments[0].description == "what to look for, over several lines."
    assert spec.arguments[1].HasField("default_value")
    assert spec.return_type == "list[str]"
    assert search.context_param == "ctx"


def test_async_generators_are_streaming_tools_and_options_apply():
    @tool(name="ticks", timeout_ms=5000, idempotent=False)
    async def ticker(n: int) -> AsyncIterator[int]:
        for i in range(n):
            yield i

    spec = ticker.to_proto()
    assert spec.name == "ticks"
    assert spec.type == tools_pb2.TOOL_TYPE_STREAMING
    assert spec.return_type == "int"
    assert spec.limits.timeout_ms == 5000
    assert spec.metadata["idempotent"] == "false"


def test_docstring_args_section_accepts_typed_entries():
    summary, args = parse_docstring("Does it.\n\nArgs:\n    a (int): first.\n    b: second\n        continued.\nReturns:\n    x: not an arg")
    assert summary == "Does it."
    assert args == {"a": "first.", "b": "second continued."}


# ---- round trips through a real host ------------------------------------------------


async def test_python_worker_tools_from_the_python_client(worker_host):
    bridge = GRPCToolBridge(worker_host.address)
    try:
        tools = await bridge.initialize("py-client-worker")
        assert [a.name for a in tools["add"].spec.arguments] == ["a", "b"]
        assert await tools["add"](a=2, b=3) == 5
        assert await bridge.execute_tool("add", 40, 2) == 42
        assert await bridge.execute_tool("word_count", text="a b a") == {"a": 2, "b": 1}
        assert [c async for c in bridge.stream_tool("countdown", n=3)] == [3, 2, 1]
        # The worker tool calls the host's counter tool in the same session, mid-execution.
        assert await bridge.execute_tool("record_after", key="k", delay_ms=1) == 1
        assert await bridge.execute_tool("counter_get", key="k") == 1
        assert await bridge.execute_tool("remember", name="n", value="v") == "v"
        with pytest.raises(ToolBridgeError) as failed:
            await bridge.execute_tool("boom", message="kaput")
        assert failed.value.error_type == "ValueError"
        assert "kaput" in str(failed.value)
        with pytest.raises(ToolBridgeError) as invalid:
            await bridge.execute_tool("add", a="two")
        assert invalid.value.error_type == "ValidationError"
    finally:
        await bridge.close()


async def test_load_is_spread_over_supervised_workers(worker_host):
    bridge = GRPCToolBridge(worker_host.address)
    try:
        await bridge.initialize("py-client-load")
        results = await asyncio.gather(*(bridge.execute_tool("whoami", delay_ms=20) for _ in range(40)))
        assert {r["pid"] for r in results} == set(worker_host.pids)
    finally:
        await bridge.close()


async def test_an_in_process_worker_serves_a_session_and_sees_cancellation(worker_host):
    cancelled = asyncio.Event()
    started = asyncio.Event()

    @tool
    async def local_wait(seconds: float, ctx: ToolContext) -> Dict[str, object]:
        """Waits; notes being cancelled.

        Args:
            seconds: how long.
        """
        started.set()
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {"session": ctx.session_id, "remaining_ms": ctx.remaining_ms}

    bridge = GRPCToolBridge(worker_host.address)
    worker = Worker(worker_host.address, [local_wait], session_id="py-session-tools", worker_id="in-process")
    serving = asyncio.ensure_future(worker.serve())
    try:
        await bridge.initialize("py-session-tools")
        await asyncio.wait_for(worker.ready.wait(), 10)
        await bridge.refresh_tools()
        answer = await bridge.client.call_tool("local_wait", [0.01], timeout_ms=4000)
        assert answer["session"] == "py-session-tools"
        assert 0 < answer["remaining_ms"] <= 4000

        call = asyncio.ensure_future(bridge.execute_tool("local_wait", seconds=30))
        await asyncio.wait_for(started.wait(), 10)
        started.clear()
        call.cancel()
        await asyncio.wait_for(cancelled.wait(), 10)

        other = GRPCToolBridge(worker_host.address)
        try:
            await other.initialize("py-session-other")
            with pytest.raises(ToolBridgeError) as missing:
                await other.execute_tool("local_wait", seconds=0)
            assert missing.value.error_type == "ToolNotFound"
        finally:
            await other.close()
    finally:
        await worker.stop(1)
        await asyncio.wait_for(serving, 10)
        await bridge.close()
