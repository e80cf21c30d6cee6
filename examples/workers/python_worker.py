"""A Python worker: its tools become tools of the host, callable from any client.

Run against a host:   /usr/bin/python3 examples/workers/python_worker.py 127.0.0.1:50051
Or let the host start it (createHost({ workers: [{ command: "/usr/bin/python3",
args: ["examples/workers/python_worker.py"] }] })): the address then comes from
$TOOLBRIDGE_HOST_ADDRESS. `--session ID` registers the tools into one session only.
The tests of the worker support use these tools.
"""

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))

from toolbridge.worker import ToolContext, run_worker, tool  # noqa: E402

_hoard: List[bytes] = []


@tool
async def add(a: int, b: int = 1) -> int:
    """Adds two integers.

    Args:
        a: the first addend.
        b: the second addend.
    """
    return a + b


@tool
async def echo(value: Any) -> Any:
    """Returns its argument unchanged.

    Args:
        value: anything.
    """
    return value


@tool
def word_count(text: str) -> Dict[str, int]:
    """Counts words (a plain function: it runs in a thread).

    Args:
        text: the text to count.
    """
    counts: Dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


@tool
async def whoami(delay_ms: int = 0) -> Dict[str, object]:
    """The worker process that ran the call, after an optional pause.

    Args:
        delay_ms: how long to wait before answering.
    """
    await asyncio.sleep(delay_ms / 1000)
    return {"pid": os.getpid(), "worker": os.environ.get("TOOLBRIDGE_WORKER_TOKEN", "")}


@tool
async def countdown(n: int, delay_ms: int = 0) -> AsyncIterator[int]:
    """Streams n, n-1, ..., 1.

    Args:
        n: where to start.
        delay_ms: pause between chunks.
    """
    for i in range(n, 0, -1):
        yield i
        await asyncio.sleep(delay_ms / 1000)


@tool
async def record_after(key: str, delay_ms: int, ctx: ToolContext) -> int:
    """Waits, then records one completed execution by calling the host's
    `counter_incr` tool in the same session; returns the count after it.

    Args:
        key: which counter.
        delay_ms: work before recording.
    """
    await asyncio.sleep(delay_ms / 1000)
    return await ctx.call("counter_incr", key=key)


@tool(idempotent=False)
async def record_once(key: str, delay_ms: int, ctx: ToolContext) -> int:
    """record_after for a tool that must not be run again after a crash.

    Args:
        key: which counter.
        delay_ms: work before recording.
    """
    await asyncio.sleep(delay_ms / 1000)
    return await ctx.call("counter_incr", key=key)


@tool
async def budget(ctx: ToolContext, nested: bool = False) -> Dict[str, int]:
    """The time this call has left, and what a nested call is given.

    Args:
        nested: also ask the host tool `remaining_budget` what it got.
    """
    out = {"remaining_ms": ctx.remaining_ms}
    if nested:
        out["nested_ms"] = await ctx.call("remaining_budget")
    return out


@tool
async def nested_sleep(ms: int, ctx: ToolContext) -> str:
    """Calls the host's `sleep_ms` tool and waits for it (cancellation test).

    Args:
        ms: how long the nested call sleeps.
    """
    return await ctx.call("sleep_ms", ms=ms)


@tool
async def remember(name: str, value: str, ctx: ToolContext) -> Optional[str]:
    """Stores a session variable through the host and reads it back.

    Args:
        name: variable name.
        value: its value.
    """
    await ctx.set_variable(name, value)
    return await ctx.get_variable(name)


@tool
async def boom(message: str) -> None:
    """Fails with ValueError(message).

    Args:
        message: the error text.
    """
    raise ValueError(message)


@tool
async def hoard(megabytes: int) -> int:
    """Keeps megabytes of memory alive (RSS recycling test); returns the total held.

    Args:
        megabytes: how much more to hold.
    """
    _hoard.append(b"x" * (megabytes * 1024 * 1024))  # written, so resident (bytes(n) would stay untouched)
    return sum(len(b) for b in _hoard) // (1024 * 1024)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("address", nargs="?", default=None)
    parser.add_argument("--session", default="")
    parser.add_argument("--id", default="")
    options = parser.parse_args()
    run_worker(options.address, session_id=options.session, worker_id=options.id)
