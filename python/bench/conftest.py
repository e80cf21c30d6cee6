"""The benchmarks use the test suite's fixtures: a real host on a free port."""

from tests.conftest import event_loop, host_build, toolbridge_host  # noqa: F401
