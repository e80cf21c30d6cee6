"""The worker runtime: one ConnectWorker stream to the host, tools run as asyncio tasks."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import resource
import signal
import sys
import time
import uuid
from typing import Any, AsyncIterator, Dict, Iterable, Optional

import grpc

from toolbridge.channel import open_channel
from toolbridge.codec import serialize_value
from toolbridge.errors import ToolBridgeError
from toolbridge.v1 import errors_pb2, workers_pb2
from toolbridge.v1.service_pb2_grpc import BridgeServiceStub
from toolbridge.worker.binding import ToolCallFailure, bind_arguments
from toolbridge.worker.context import ToolContext
from toolbridge.worker.environment_tls import credentials_from_environment
from toolbridge.worker.lifeline import watch_parent
from toolbridge.worker.spec import WorkerTool

log = logging.getLogger("toolbridge.worker")

ENV_ADDRESS = "TOOLBRIDGE_HOST_ADDRESS"
ENV_TOKEN = "TOOLBRIDGE_WORKER_TOKEN"
ENV_AUTH_TOKEN = "TOOLBRIDGE_AUTH_TOKEN"
VERSION = "0.1.0"
# Messages waiting to go to the host; a full queue pauses streaming tools (backpressure).
OUTGOING_LIMIT = 256
DEFAULT_HEARTBEAT_MS = 2000
MISSED_HEARTBEATS = 3


class WorkerError(ToolBridgeError):
    """The host refused the worker (bad hello, registration refused) or could not be reached."""


class Worker:
    """Serves `tools` to the host at `address` until stop() or the host goes away.

    session_id: register the tools into that session only (default: global).
    worker_id: the id to ask for (a supervised worker sends its token instead).
    max_concurrency: calls this worker runs at once, told to the host (0 = no limit).
    auth_token: bearer token for a host with authentication (default $TOOLBRIDGE_AUTH_TOKEN; a worker
    the host started proves itself with its $TOOLBRIDGE_WORKER_TOKEN on the worker stream).
    credentials: grpc channel credentials (default: TLS trusting $TOOLBRIDGE_HOST_CA and presenting
    $TOOLBRIDGE_CLIENT_CERT / $TOOLBRIDGE_CLIENT_KEY when set, else plaintext)."""

    def __init__(
        self,
        address: str,
        tools: Iterable[WorkerTool],
        *,
        session_id: str = "",
        worker_id: str = "",
        name: str = "",
        max_concurrency: int = 0,
        auth_token: Optional[str] = None,
        credentials: Optional[grpc.ChannelCredentials] = None,
    ) -> None:
        self.address = address
        self.tools: Dict[str, WorkerTool] = {}
        for t in tools:
            if not isinstance(t, WorkerTool):
                raise TypeError(f"{t!r} is not a @tool")
            self.tools[t.name] = t
        self.session_id = session_id
        self.token = os.environ.get(ENV_TOKEN, "")
        self.requested_id = self.token or worker_id
        self.name = name or os.path.basename(sys.argv[0] or "python-worker")
        self.max_concurrency = max_concurrency
        self.auth_token = auth_token if auth_token is not None else os.environ.get(ENV_AUTH_TOKEN) or None
        # The stream and the calls back into the host (tool context) share these, client certificate included.
        self.credentials = credentials if credentials is not None else credentials_from_environment()
        self.worker_id = ""
        self.host_address = address
        self.heartbeat_ms = DEFAULT_HEARTBEAT_MS
        self.ready = asyncio.Event()
        self._outgoing: "asyncio.Queue[Optional[workers_pb2.ConnectWorkerRequest]]" = asyncio.Queue(OUTGOING_LIMIT)
        self._calls: Dict[str, asyncio.Task] = {}
        self._contexts: Dict[str, ToolContext] = {}
        self._stopping = False
        self._ended_by_worker = False
        self._last_heard = time.monotonic()
        self._channel: Optional[grpc.aio.Channel] = None
        self._callback_channel: Optional[grpc.aio.Channel] = None
        self._stream: Any = None

    # ---- lifecycle ---------------------------------------------------------

    async def serve(self) -> None:
        """Connects, registers, then runs calls until the stream ends."""
        self._channel = open_channel(self.address, credentials=self.credentials)
        stub = BridgeServiceStub(self._channel)
        # The channel's token interceptor covers unary and server-streaming calls only: send it here.
        # A worker the host started proves itself with its supervisor token when it has no token of its own.
        stream_token = self.auth_token or self.token
        metadata = (("authorization", f"Bearer {stream_token}"),) if stream_token else None
        self._stream = stub.ConnectWorker(self._requests(), metadata=metadata)
        background = []
        try:
            await self._handshake()
            self.ready.set()
            log.info("toolbridge worker %s ready: %d tools", self.worker_id, len(self.tools))
            background = [
                asyncio.ensure_future(self._heartbeats()),
            ]
            while True:
                try:
                    message = await self._stream.read()
                except asyncio.CancelledError:
                    # The worker cancelled its own stream (host silent, stop with calls left): over.
                    if self._ended_by_worker:
                        break
                    raise
                if message is grpc.aio.EOF:
                    break
                self._last_heard = time.monotonic()
                self._dispatch(message)
        except grpc.aio.AioRpcError as exc:
            if not self._stopping:
                raise WorkerError("Unavailable", f"worker stream to {self.address} failed: {exc.details()}") from exc
        finally:
            for task in background:
                task.cancel()
            for task in list(self._calls.values()):
                task.cancel()
            await self._close_channels()
            # Drop the finished call now: grpc objects outliving their loop fail at interpreter exit.
            self._stream = None

    async def stop(self, grace_s: float = 10.0) -> None:
        """Graceful stop: finish running calls (at most grace_s), then end the stream."""
        if self._stopping:
            return
        self._stopping = True
        deadline = time.monotonic() + grace_s
        while self._calls and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await self._outgoing.put(None)
        if self._stream is not None and self._calls:
            self._ended_by_worker = True
            self._stream.cancel()

    async def _handshake(self) -> None:
        await self._send(
            workers_pb2.ConnectWorkerRequest(
                hello=workers_pb2.WorkerHello(
                    worker_id=self.requested_id,
                    name=self.name,
                    language="python",
                    pid=os.getpid(),
                    version=VERSION,
                    max_concurrency=self.max_concurrency,
                )
            )
        )
        welcome = await self._stream.read()
        if welcome is grpc.aio.EOF or welcome.WhichOneof("message") != "welcome":
            raise WorkerError("ProtocolError", "host did not answer WorkerHello with WorkerWelcome")
        self.worker_id = welcome.welcome.worker_id
        self.heartbeat_ms = welcome.welcome.heartbeat_interval_ms or DEFAULT_HEARTBEAT_MS
        self.host_address = welcome.welcome.host_address or self.address
        registration_id = uuid.uuid4().hex
        await self._send(
            workers_pb2.ConnectWorkerRequest(
                register_tools=workers_pb2.RegisterWorkerTools(
                    session_id=self.session_id,
                    tools=[t.to_proto() for t in self.tools.values()],
                    registration_id=registration_id,
                )
            )
        )
        while True:
            message = await self._stream.read()
            if message is grpc.aio.EOF:
                raise WorkerError("Unavailable", "host closed the stream during registration")
            if message.WhichOneof("message") != "register_result":
                continue  # a heartbeat may come first
            result = message.register_result
            if result.registration_id != registration_id:
                continue
            if not result.success:
                raise WorkerError(
                    result.error.type or "FailedPrecondition",
                    f"host refused the tools: {result.error.message}",
                    details=dict(result.error.details),
                )
            return

    async def _requests(self) -> AsyncIterator[workers_pb2.ConnectWorkerRequest]:
        while True:
            message = await self._outgoing.get()
            if message is None:
                return
            yield message

    async def _send(self, message: workers_pb2.ConnectWorkerRequest) -> None:
        await self._outgoing.put(message)

    async def _heartbeats(self) -> None:
        interval = self.heartbeat_ms / 1000
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - self._last_heard > interval * MISSED_HEARTBEATS:
                log.error("host silent for %d heartbeats: leaving", MISSED_HEARTBEATS)
                self._ended_by_worker = True
                self._stream.cancel()
                return
            await self._send(
                workers_pb2.ConnectWorkerRequest(
                    heartbeat=workers_pb2.WorkerHeartbeat(
                        sent_at_ms=int(time.time() * 1000), in_flight=len(self._calls), rss_bytes=_rss_bytes()
                    )
                )
            )

    async def _close_channels(self) -> None:
        for channel in (self._callback_channel, self._channel):
            if channel is not None:
                await channel.close()
        self._callback_channel = self._channel = None

    # ---- calls ---------------------------------------------------------------

    def _dispatch(self, message: workers_pb2.ConnectWorkerResponse) -> None:
        kind = message.WhichOneof("message")
        if kind == "invocation":
            invocation = message.invocation
            task = asyncio.ensure_future(self._run(invocation))
            self._calls[invocation.call_id] = task
            task.add_done_callback(lambda _t, call_id=invocation.call_id: self._finished(call_id))
        elif kind == "cancel":
            context = self._contexts.get(message.cancel.call_id)
            if context is not None:
                context.cancelled = True
            task = self._calls.get(message.cancel.call_id)
            if task is not None:
                task.cancel()
        elif kind == "drain":
            log.info("host asked to drain: %s", message.drain.reason)
            asyncio.ensure_future(self.stop(message.drain.grace_ms / 1000 if message.drain.grace_ms else 10.0))

    def _finished(self, call_id: str) -> None:
        self._calls.pop(call_id, None)
        self._contexts.pop(call_id, None)

    def _callback(self) -> grpc.aio.Channel:
        if self._callback_channel is None:
            self._callback_channel = open_channel(
                self.host_address, credentials=self.credentials, auth_token=self.auth_token
            )
        return self._callback_channel

    async def _run(self, invocation: workers_pb2.WorkerInvocation) -> None:
        call_id = invocation.call_id
        started = time.monotonic()
        tool = self.tools.get(invocation.tool_name)
        try:
            if tool is None:
                raise ToolCallFailure(
                    errors_pb2.ErrorInfo(
                        type="ToolNotFound",
                        message=f"worker {self.worker_id} has no tool {invocation.tool_name}",
                        tool_name=invocation.tool_name,
                    )
                )
            arguments = bind_arguments(tool, invocation)
            if tool.context_param:
                context = ToolContext(
                    session_id=invocation.session_id,
                    request_id=invocation.request_id,
                    tool_name=tool.name,
                    timeout_ms=invocation.timeout_ms or 30_000,
                    context=dict(invocation.context),
                    channel=self._callback,
                )
                self._contexts[call_id] = context
                arguments[tool.context_param] = context
            if tool.streaming:
                if not invocation.streaming:
                    raise ToolCallFailure(
                        errors_pb2.ErrorInfo(
                            type="ValidationError",
                            message=f"{tool.name} is a streaming tool: call it with StreamTool",
                            tool_name=tool.name,
                        )
                    )
                await self._stream_chunks(call_id, tool.fn(**arguments))
                return
            if tool.is_async:
                value = await tool.fn(**arguments)
            else:
                loop = asyncio.get_running_loop()
                value = await loop.run_in_executor(None, functools.partial(tool.fn, **arguments))
            await self._send(
                workers_pb2.ConnectWorkerRequest(
                    result=workers_pb2.WorkerCallResult(
                        call_id=call_id,
                        success=True,
                        result=serialize_value(value),
                        duration_ms=(time.monotonic() - started) * 1000,
                    )
                )
            )
        except asyncio.CancelledError:
            return  # the host cancelled the call (or the worker is stopping): nobody waits for an answer
        except ToolCallFailure as failure:
            await self._fail(call_id, invocation, failure.info, started, tool)
        except Exception as exc:  # the tool's own failure travels back as its outcome
            await self._fail(call_id, invocation, error_info(exc, invocation), started, tool)

    async def _stream_chunks(self, call_id: str, chunks: AsyncIterator[Any]) -> None:
        sequence = 0
        try:
            async for item in chunks:
                await self._send(
                    workers_pb2.ConnectWorkerRequest(
                        chunk=workers_pb2.WorkerCallChunk(call_id=call_id, sequence=sequence, data=serialize_value(item))
                    )
                )
                sequence += 1
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # ends the stream with the failure, after the chunks already sent
            info = exc.info if isinstance(exc, ToolCallFailure) else error_info(exc, None)
            await self._send(
                workers_pb2.ConnectWorkerRequest(
                    chunk=workers_pb2.WorkerCallChunk(call_id=call_id, sequence=sequence, error=info)
                )
            )
            return
        finally:
            await chunks.aclose()
        await self._send(
            workers_pb2.ConnectWorkerRequest(
                chunk=workers_pb2.WorkerCallChunk(call_id=call_id, sequence=sequence, complete=True)
            )
        )

    async def _fail(self, call_id, invocation, info, started, tool) -> None:  # noqa: ANN001
        info.tool_name = info.tool_name or invocation.tool_name
        info.request_id = invocation.request_id
        if invocation.streaming and tool is not None and tool.streaming:
            message = workers_pb2.ConnectWorkerRequest(
                chunk=workers_pb2.WorkerCallChunk(call_id=call_id, sequence=0, error=info)
            )
        else:
            message = workers_pb2.ConnectWorkerRequest(
                result=workers_pb2.WorkerCallResult(
                    call_id=call_id, success=False, error=info, duration_ms=(time.monotonic() - started) * 1000
                )
            )
        await self._send(message)


def error_info(exc: BaseException, invocation: Optional[workers_pb2.WorkerInvocation]) -> errors_pb2.ErrorInfo:
    """ErrorInfo of what a tool raised: a ToolBridgeError keeps its type (a failed nested
    call fails the tool with the same type), anything else is named by its class."""
    if isinstance(exc, ToolBridgeError):
        error_type = exc.error_type
        details = {str(k): str(v) for k, v in exc.details.items()}
    else:
        declared = getattr(exc, "type", None)
        name = type(exc).__name__
        error_type = declared if isinstance(declared, str) and declared else ("ToolError" if name == "Exception" else name)
        details = {}
    return errors_pb2.ErrorInfo(
        type=error_type,
        message=str(exc) or type(exc).__name__,
        details=details,
        tool_name=invocation.tool_name if invocation else "",
        request_id=invocation.request_id if invocation else "",
    )


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def run_worker(
    address: Optional[str] = None,
    tools: Optional[Iterable[WorkerTool]] = None,
    **options: Any,
) -> None:
    """Serves tools until SIGTERM/SIGINT, the host ending the stream, or (for a worker
    the host started) the host process going away. address defaults to
    $TOOLBRIDGE_HOST_ADDRESS; tools default to every @tool defined so far.
    options: session_id, worker_id, name, max_concurrency, auth_token, credentials."""
    from toolbridge.worker.spec import defined_tools

    target = address or os.environ.get(ENV_ADDRESS, "")
    if not target:
        raise WorkerError("InvalidArgument", f"no host address: pass one or set {ENV_ADDRESS}")
    chosen = list(tools) if tools is not None else defined_tools()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
    asyncio.run(_serve_until_stopped(target, chosen, options))


async def _serve_until_stopped(address: str, tools: Iterable[WorkerTool], options: Dict[str, Any]) -> None:
    worker = Worker(address, tools, **options)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.stop()))
    if worker.token:
        # Started by a host: never outlive it. Nothing is left to report to a dead host, so leave at once.
        def parent_gone(reason: str) -> None:
            log.warning("%s: exiting", reason)
            os._exit(0)

        watch_parent(parent_gone, os.getppid())
    await worker.serve()
    if worker.token:
        # The host restarts us; a tool thread still running must not hold the exit.
        logging.shutdown()
        os._exit(0)
