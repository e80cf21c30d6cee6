"""ScriptedBridgeServer: a test double of a toolbridge host at the gRPC boundary.

A real grpc.aio server on 127.0.0.1:0 that serves every BridgeService method from a
script: each method answers with the response (or stream of chunks, or status) the
test set, and records the requests it got. It stands in for grpc_testing's
server_from_dictionary, which the spec used and Debian does not ship. It never
runs a tool: tests that need real behaviour use the TypeScript host fixture.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence

import grpc
from google.protobuf import symbol_database

from toolbridge.status_details import STATUS_DETAILS_KEY, encode_status_details
from toolbridge.v1 import service_pb2
from toolbridge.v1.errors_pb2 import ErrorInfo

SERVICE = service_pb2.DESCRIPTOR.services_by_name["BridgeService"]


class _Failure:
    def __init__(self, code: grpc.StatusCode, message: str, info: Optional[ErrorInfo]) -> None:
        self.code, self.message, self.info = code, message, info

    async def abort(self, context: grpc.aio.ServicerContext) -> None:
        trailers = ()
        if self.info is not None:
            trailers = ((STATUS_DETAILS_KEY, encode_status_details(self.code.value[0], self.message, self.info)),)
        await context.abort(self.code, self.message, trailing_metadata=trailers)


class ScriptedBridgeServer:
    def __init__(self) -> None:
        self._responses: Dict[str, Any] = {}
        self._streams: Dict[str, Sequence[Any]] = {}
        self._stream_failures: Dict[str, _Failure] = {}
        self._failures: Dict[str, _Failure] = {}
        self._requests: Dict[str, List[Any]] = defaultdict(list)
        self._server: Optional[grpc.aio.Server] = None
        self._channels: List[grpc.aio.Channel] = []
        self.address = ""

    # Script

    def set_response(self, method: str, response: Any) -> None:
        self._responses[method] = response

    def set_streaming_response(self, method: str, chunks: Sequence[Any], then_fail: Optional[grpc.StatusCode] = None) -> None:
        """Chunks to send; with then_fail the stream ends in that status after them."""
        self._streams[method] = list(chunks)
        if then_fail is not None:
            self._stream_failures[method] = _Failure(then_fail, "scripted stream failure", None)

    def set_error(self, method: str, code: grpc.StatusCode, message: str, info: Optional[ErrorInfo] = None) -> None:
        """Answer `method` with a status, carrying `info` in grpc-status-details-bin."""
        self._failures[method] = _Failure(code, message, info)

    def requests_for(self, method: str) -> List[Any]:
        return list(self._requests[method])

    # Serving

    def _unary(self, method: str):
        async def handle(request: Any, context: grpc.aio.ServicerContext) -> Any:
            self._requests[method].append(request)
            if method in self._failures:
                await self._failures[method].abort(context)
            if method not in self._responses:
                await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"nothing scripted for {method}")
            return self._responses[method]

        return handle

    def _server_stream(self, method: str):
        async def handle(request: Any, context: grpc.aio.ServicerContext):
            self._requests[method].append(request)
            if method in self._failures:
                await self._failures[method].abort(context)
            for chunk in self._streams.get(method, ()):
                yield chunk
            if method in self._stream_failures:
                await self._stream_failures[method].abort(context)

        return handle

    def _handlers(self) -> grpc.GenericRpcHandler:
        db = symbol_database.Default()
        handlers = {}
        for method in SERVICE.methods:
            if method.client_streaming:
                continue  # ConnectWorker: not scripted here
            request_cls = db.GetSymbol(method.input_type.full_name)
            response_cls = db.GetSymbol(method.output_type.full_name)
            make = grpc.unary_stream_rpc_method_handler if method.server_streaming else grpc.unary_unary_rpc_method_handler
            body = self._server_stream(method.name) if method.server_streaming else self._unary(method.name)
            handlers[method.name] = make(
                body, request_deserializer=request_cls.FromString, response_serializer=response_cls.SerializeToString
            )
        return grpc.method_handlers_generic_handler(SERVICE.full_name, handlers)

    async def start(self) -> "ScriptedBridgeServer":
        self._server = grpc.aio.server()
        self._server.add_generic_rpc_handlers((self._handlers(),))
        port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()
        self.address = f"127.0.0.1:{port}"
        return self

    def channel(self) -> grpc.aio.Channel:
        channel = grpc.aio.insecure_channel(self.address)
        self._channels.append(channel)
        return channel

    async def stop(self) -> None:
        for channel in self._channels:
            await channel.close()
        if self._server is not None:
            await self._server.stop(grace=None)

    # The spec uses the server as `with mock_grpc_server as server:`.
    def __enter__(self) -> "ScriptedBridgeServer":
        return self

    def __exit__(self, *exc: object) -> None:
        return None
