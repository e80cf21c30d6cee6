"""The README's example runs as written against the real host (only the address
differs) and prints what its comments say."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


async def test_readme_example_runs(toolbridge_host):
    block = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    assert "asyncio.run(main())" in block
    code = block.replace("127.0.0.1:50051", toolbridge_host).replace("asyncio.run(main())", "")
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await namespace["main"]()
    lines = out.getvalue().splitlines()
    assert lines[:5] == ["4", "12", "aaaa", "bbbb", "cccc"]
    assert lines[5].startswith("calculate ")  # tool_name error_type details
