"""Retry decisions and backoff, without a network (a scripted attempt function)."""

import random

import grpc
import pytest

from toolbridge.errors import RateLimitedError, ToolCommunicationError, ToolExecutionError
from toolbridge.retry import RetryPolicy, retry_wait_ms, run_with_retry

POLICY = RetryPolicy(max_retries=3, initial_backoff_ms=1, max_backoff_ms=4)


def test_which_errors_are_retried():
    rng = random.Random(1)
    assert retry_wait_ms(ToolCommunicationError("t", grpc.StatusCode.UNAVAILABLE), 0, POLICY, rng) is not None
    assert retry_wait_ms(ToolCommunicationError("t", grpc.StatusCode.DEADLINE_EXCEEDED), 0, POLICY, rng) is not None
    assert retry_wait_ms(ToolCommunicationError("t", grpc.StatusCode.INTERNAL), 0, POLICY, rng) is None
    assert retry_wait_ms(ToolExecutionError("t", "ValidationError", "bad"), 0, POLICY, rng) is None
    assert retry_wait_ms(RateLimitedError("t", "slow", retry_after_ms=2500), 0, POLICY, rng) == 2500


def test_backoff_grows_jittered_and_capped():
    rng = random.Random(7)
    policy = RetryPolicy(initial_backoff_ms=100, max_backoff_ms=1000)
    for retry, ceiling in [(0, 100), (1, 200), (2, 400), (3, 800), (4, 1000), (9, 1000)]:
        wait = policy.backoff_ms(retry, rng)
        assert ceiling / 2 <= wait <= ceiling


async def test_retries_until_success_then_stops():
    outcomes = [ToolCommunicationError("t", grpc.StatusCode.UNAVAILABLE)] * 2 + ["done"]
    calls = []

    async def attempt():
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert await run_with_retry(attempt, POLICY) == "done"
    assert len(calls) == 3


async def test_gives_up_after_max_retries_with_the_last_error():
    calls = []

    async def attempt():
        calls.append(1)
        raise ToolCommunicationError("t", grpc.StatusCode.UNAVAILABLE, f"attempt {len(calls)}")

    with pytest.raises(ToolCommunicationError, match="attempt 4"):
        await run_with_retry(attempt, POLICY)
    assert len(calls) == 4


async def test_deadline_refuses_a_wait_that_would_overrun_it():
    calls = []

    async def attempt():
        calls.append(1)
        raise RateLimitedError("t", "slow", retry_after_ms=60_000)

    with pytest.raises(RateLimitedError):
        await run_with_retry(attempt, RetryPolicy(max_retries=5, deadline_ms=1_000))
    assert len(calls) == 1
