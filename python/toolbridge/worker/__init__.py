"""Worker-hosted tools: Python functions the toolbridge host calls as its own tools.

    from toolbridge.worker import tool, run_worker

    @tool
    async def add(a: int, b: int = 1) -> int:
        \"\"\"Adds two numbers.

        Args:
            a: the first addend.
            b: the second addend.
        \"\"\"
        return a + b

    run_worker("127.0.0.1:50051")   # or $TOOLBRIDGE_HOST_ADDRESS when the host started us
"""

from toolbridge.worker.binding import ToolCallFailure
from toolbridge.worker.context import ToolContext
from toolbridge.worker.runtime import Worker, WorkerError, run_worker
from toolbridge.worker.spec import WorkerTool, defined_tools, tool

__all__ = ["ToolCallFailure", "ToolContext", "Worker", "WorkerError", "WorkerTool", "defined_tools", "run_worker", "tool"]
