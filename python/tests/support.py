"""Helpers shared by the tests (not fixtures: plain functions)."""

import grpc


def rpc_error(code: grpc.StatusCode, details: str = "", trailing_metadata=()) -> grpc.aio.AioRpcError:
    """grpc.aio.AioRpcError as the spec builds it. grpcio 1.51 requires the metadata
    arguments the spec leaves out, so they are passed (empty unless given)."""
    return grpc.aio.AioRpcError(
        code=code,
        initial_metadata=grpc.aio.Metadata(),
        trailing_metadata=grpc.aio.Metadata(*trailing_metadata),
        details=details,
    )
