"""Shared fixtures: a real TypeScript host for the whole session, and a private
one for tests that kill theirs."""

import asyncio

import pytest

from tests.host_process import HostProcess, build_host


@pytest.fixture(scope="session")
def event_loop():
    """One event loop for the whole run, as in the spec's conftest. grpc.aio's
    completion-queue poller is process-wide; with a loop per test it posts late
    events (of cancelled calls) to loops already closed."""
    loop = asyncio.get_event_loop_policy().new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@pytest.fixture(scope="session")
def host_build():
    """packages/*/dist up to date, once per session."""
    build_host()


@pytest.fixture(scope="session")
def toolbridge_host(host_build):
    """Address (127.0.0.1:PORT) of a host running the spec's test tools, the demo
    tools and scripted-LLM agents. Where the spec hard-codes localhost:50051, tests
    use this."""
    host = HostProcess()
    address = host.start()
    yield address
    host.stop()


@pytest.fixture
def private_host(host_build):
    """A host of the test's own, which it may kill."""
    host = HostProcess()
    host.start()
    yield host
    host.stop()
