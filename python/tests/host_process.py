"""Starts and stops the TypeScript host (host_fixture.mjs) as a child process."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Optional

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parents[1]
SCRIPT = TESTS / "host_fixture.mjs"
LISTENING = re.compile(r"^toolbridge listening on (127\.0\.0\.1:\d+)$")
START_TIMEOUT_S = 60


def build_host() -> None:
    """Brings packages/*/dist up to date (tsc -b is incremental: quick when nothing
    changed), so the suite never runs against a stale host. TOOLBRIDGE_SKIP_BUILD=1
    skips it. Type errors elsewhere in the workspace do not stop the emit, so only a
    missing host build is fatal."""
    if os.environ.get("TOOLBRIDGE_SKIP_BUILD") == "1":
        return
    result = subprocess.run(
        ["npx", "tsc", "-b", "packages/cli"], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    if not (REPO / "packages/host/dist/index.js").exists():
        raise RuntimeError(f"building the host failed:\n{result.stdout}\n{result.stderr}")
    if result.returncode != 0:
        # tsc still emitted; the host may lag behind its sources where they do not compile.
        warnings.warn(f"npx tsc -b packages/cli reported errors:\n{result.stdout[-2000:]}", stacklevel=2)


class HostProcess:
    """A node script that prints "toolbridge listening on 127.0.0.1:PORT" when ready."""

    def __init__(self, script: Path = SCRIPT) -> None:
        self.script = script
        self.proc: Optional[subprocess.Popen] = None
        self.address = ""
        self._stderr = tempfile.TemporaryFile(mode="w+")

    def start(self) -> str:
        self.proc = subprocess.Popen(
            ["node", str(self.script)], cwd=REPO, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            # Keeps reading so the child never blocks on a full pipe.
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT_S)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"host did not report listening within {START_TIMEOUT_S} s") from None
            if line is None:
                self.stop()
                raise RuntimeError(f"host exited before listening:\n{self.stderr_text()}")
            match = LISTENING.match(line)
            if match:
                self.address = match.group(1)
                return self.address

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def kill(self) -> None:
        """Dies at once, as a crashed host would: no draining, connections reset."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
