"""When and how long to wait before calling again.

Retried: RateLimitExceeded (waiting at least what the host asked), UNAVAILABLE,
and an attempt that ran out of time (DEADLINE_EXCEEDED). Each retry reuses the
request_id, so the host's idempotency window makes a repeat safe even when the
first attempt did run. Backoff is exponential with jitter, capped.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional, TypeVar

import grpc

from toolbridge.errors import RateLimitedError, ToolBridgeError, ToolCommunicationError

T = TypeVar("T")

_RETRYABLE_STATUS = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    initial_backoff_ms: float = 100
    max_backoff_ms: float = 5_000
    # Bound on the whole sequence of attempts and waits (None = no bound).
    deadline_ms: Optional[float] = None

    def backoff_ms(self, retry: int, rng: random.Random) -> float:
        """Wait before retry number `retry` (0-based): full exponential, half jitter."""
        ceiling = min(self.max_backoff_ms, self.initial_backoff_ms * (2**retry))
        return ceiling * (0.5 + rng.random() / 2)


def retry_wait_ms(error: BaseException, retry: int, policy: RetryPolicy, rng: random.Random) -> Optional[float]:
    """How long to wait before retrying after `error`, or None when it must not be retried."""
    if isinstance(error, RateLimitedError):
        return max(float(error.retry_after_ms), policy.backoff_ms(retry, rng))
    if isinstance(error, ToolCommunicationError) and error.code in _RETRYABLE_STATUS:
        return policy.backoff_ms(retry, rng)
    return None


async def run_with_retry(
    attempt: Callable[[], Awaitable[T]], policy: RetryPolicy, rng: Optional[random.Random] = None
) -> T:
    rng = rng or random.Random()
    started = time.monotonic()
    retry = 0
    while True:
        try:
            return await attempt()
        except ToolBridgeError as error:
            wait = retry_wait_ms(error, retry, policy, rng)
            if wait is None or retry >= policy.max_retries:
                raise
            if policy.deadline_ms is not None:
                elapsed_ms = (time.monotonic() - started) * 1000
                if elapsed_ms + wait > policy.deadline_ms:
                    raise
            await asyncio.sleep(wait / 1000)
            retry += 1
