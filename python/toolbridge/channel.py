"""The grpc.aio channel a bridge talks over, with toolbridge's defaults."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import grpc

from toolbridge.limits import DEFAULT_LIMITS, FRAMING_HEADROOM_BYTES


def channel_options(
    max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"], extra: Sequence[Tuple[str, Any]] = ()
) -> List[Tuple[str, Any]]:
    """Message limits, keepalive and a wide flow-control lookahead (big streams run
    near transport speed), the same numbers as the TypeScript client."""
    wire_limit = max_message_bytes + FRAMING_HEADROOM_BYTES
    options = {
        "grpc.max_send_message_length": wire_limit,
        "grpc.max_receive_message_length": wire_limit,
        "grpc.keepalive_time_ms": DEFAULT_LIMITS["keepaliveTimeMs"],
        "grpc.keepalive_timeout_ms": DEFAULT_LIMITS["keepaliveTimeoutMs"],
        "grpc.http2.lookahead_bytes": DEFAULT_LIMITS["clientFlowControlWindowBytes"],
    }
    options.update(dict(extra))
    return list(options.items())


class _BearerToken(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor):
    """Adds `authorization: Bearer <token>` to every call."""

    def __init__(self, token: str) -> None:
        self._header = ("authorization", f"Bearer {token}")

    def _with_token(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        metadata.add(*self._header)
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(self, continuation, client_call_details, request):  # noqa: ANN001
        return await continuation(self._with_token(client_call_details), request)

    async def intercept_unary_stream(self, continuation, client_call_details, request):  # noqa: ANN001
        return await continuation(self._with_token(client_call_details), request)


def open_channel(
    address: str,
    *,
    max_message_bytes: int = DEFAULT_LIMITS["maxMessageBytes"],
    credentials: Optional[grpc.ChannelCredentials] = None,
    auth_token: Optional[str] = None,
    options: Sequence[Tuple[str, Any]] = (),
) -> grpc.aio.Channel:
    """Plaintext unless `credentials` (e.g. grpc.ssl_channel_credentials(...) for TLS
    or mTLS) are given."""
    interceptors = [_BearerToken(auth_token)] if auth_token else None
    opts = channel_options(max_message_bytes, options)
    if credentials is not None:
        return grpc.aio.secure_channel(address, credentials, options=opts, interceptors=interceptors)
    return grpc.aio.insecure_channel(address, options=opts, interceptors=interceptors)
