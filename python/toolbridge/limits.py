"""Defaults shared with the TypeScript host and client.

Mirrors packages/protocol/src/limits.ts; conformance/limits.json pins both and
tests/test_limits.py checks this copy against it.
"""

from __future__ import annotations

from types import MappingProxyType

DEFAULT_LIMITS = MappingProxyType(
    {
        # Largest gRPC message either side accepts or sends: 9 MB arguments fit, 11 MB do not.
        "maxMessageBytes": 10 * 1024 * 1024,
        "streamChunkBytes": 64 * 1024,
        "maxBatchItems": 100,
        "defaultBatchParallelism": 16,
        "unaryTimeoutMs": 30_000,
        "streamTimeoutMs": 5 * 60_000,
        "agentTimeoutMs": 10 * 60_000,
        "keepaliveTimeMs": 30_000,
        "keepaliveTimeoutMs": 10_000,
        "maxValueDepth": 128,
        "sessionIdleTtlMs": 60 * 60_000,
        "maxSessions": 10_000,
        "idempotencyWindowMs": 5 * 60_000,
        "maxWatchersPerSession": 1_000,
        "clientFlowControlWindowBytes": 8 * 1024 * 1024,
    }
)

# The channel accepts a little more than maxMessageBytes so that a message whose
# payload is exactly at the limit still fits with its protobuf/gRPC framing; the
# client checks the payload size itself and reports MessageTooLarge.
FRAMING_HEADROOM_BYTES = 64 * 1024

