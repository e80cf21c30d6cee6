"""Parent-death detection for supervised workers: no worker outlives its host.

The host starts each worker with stdin as a pipe it never writes; when the host
dies — even by SIGKILL — the kernel closes its end and the worker reads EOF. As a
second signal the worker's parent pid changes (it is re-parented)."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Callable, Optional

PPID_POLL_S = 0.5


def watch_parent(on_gone: Callable[[str], None], expected_ppid: Optional[int]) -> None:
    """Calls on_gone(reason) once, from the event loop, when stdin hits EOF or the
    parent pid stops being expected_ppid."""
    loop = asyncio.get_running_loop()
    fired = threading.Event()

    def fire(reason: str) -> None:
        if not fired.is_set():
            fired.set()
            loop.call_soon_threadsafe(on_gone, reason)

    def read_stdin() -> None:
        # os.read on the raw descriptor: a buffered sys.stdin read would hold a lock
        # that interpreter shutdown then waits for.
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        fire("stdin closed: the host process is gone")

    threading.Thread(target=read_stdin, name="toolbridge-lifeline", daemon=True).start()

    if expected_ppid is not None:

        async def poll_ppid() -> None:
            while not fired.is_set():
                if os.getppid() != expected_ppid:
                    fire(f"parent process {expected_ppid} is gone")
                    return
                await asyncio.sleep(PPID_POLL_S)

        loop.create_task(poll_ppid())
