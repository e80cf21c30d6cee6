from google.protobuf import any_pb2 as _any_pb2
from toolbridge.v1 import errors_pb2 as _errors_pb2
from toolbridge.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConnectWorkerRequest(_message.Message):
    __slots__ = ["chunk", "heartbeat", "hello", "register_tools", "result"]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    HELLO_FIELD_NUMBER: _ClassVar[int]
    REGISTER_TOOLS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    chunk: WorkerCallChunk
    heartbeat: WorkerHeartbeat
    hello: WorkerHello
    register_tools: RegisterWorkerTools
    result: WorkerCallResult
    def __init__(self, hello: _Optional[_Union[WorkerHello, _Mapping]] = ..., register_tools: _Optional[_Union[RegisterWorkerTools, _Mapping]] = ..., result: _Optional[_Union[WorkerCallResult, _Mapping]] = ..., chunk: _Optional[_Union[WorkerCallChunk, _Mapping]] = ..., heartbeat: _Optional[_Union[WorkerHeartbeat, _Mapping]] = ...) -> None: ...

class ConnectWorkerResponse(_message.Message):
    __slots__ = ["cancel", "drain", "heartbeat", "invocation", "register_result", "welcome"]
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    DRAIN_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    INVOCATION_FIELD_NUMBER: _ClassVar[int]
    REGISTER_RESULT_FIELD_NUMBER: _ClassVar[int]
    WELCOME_FIELD_NUMBER: _ClassVar[int]
    cancel: WorkerCancel
    drain: WorkerDrain
    heartbeat: WorkerHeartbeat
    invocation: WorkerInvocation
    register_result: RegisterWorkerToolsResult
    welcome: WorkerWelcome
    def __init__(self, welcome: _Optional[_Union[WorkerWelcome, _Mapping]] = ..., register_result: _Optional[_Union[RegisterWorkerToolsResult, _Mapping]] = ..., invocation: _Optional[_Union[WorkerInvocation, _Mapping]] = ..., cancel: _Optional[_Union[WorkerCancel, _Mapping]] = ..., heartbeat: _Optional[_Union[WorkerHeartbeat, _Mapping]] = ..., drain: _Optional[_Union[WorkerDrain, _Mapping]] = ...) -> None: ...

class RegisterWorkerTools(_message.Message):
    __slots__ = ["registration_id", "session_id", "tools"]
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    session_id: str
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.ToolSpec]
    def __init__(self, session_id: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.ToolSpec, _Mapping]]] = ..., registration_id: _Optional[str] = ...) -> None: ...

class RegisterWorkerToolsResult(_message.Message):
    __slots__ = ["error", "registration_id", "success", "tool_ids"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TOOL_IDS_FIELD_NUMBER: _ClassVar[int]
    error: _errors_pb2.ErrorInfo
    registration_id: str
    success: bool
    tool_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, registration_id: _Optional[str] = ..., success: bool = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ..., tool_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class WorkerCallChunk(_message.Message):
    __slots__ = ["call_id", "complete", "data", "error", "sequence"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    complete: bool
    data: _any_pb2.Any
    error: _errors_pb2.ErrorInfo
    sequence: int
    def __init__(self, call_id: _Optional[str] = ..., sequence: _Optional[int] = ..., data: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., complete: bool = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ...) -> None: ...

class WorkerCallResult(_message.Message):
    __slots__ = ["call_id", "duration_ms", "error", "result", "success"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    duration_ms: float
    error: _errors_pb2.ErrorInfo
    result: _any_pb2.Any
    success: bool
    def __init__(self, call_id: _Optional[str] = ..., success: bool = ..., result: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ..., duration_ms: _Optional[float] = ...) -> None: ...

class WorkerCancel(_message.Message):
    __slots__ = ["call_id", "reason"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    reason: str
    def __init__(self, call_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class WorkerDrain(_message.Message):
    __slots__ = ["grace_ms", "reason"]
    GRACE_MS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    grace_ms: int
    reason: str
    def __init__(self, reason: _Optional[str] = ..., grace_ms: _Optional[int] = ...) -> None: ...

class WorkerHeartbeat(_message.Message):
    __slots__ = ["in_flight", "rss_bytes", "sent_at_ms"]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    in_flight: int
    rss_bytes: int
    sent_at_ms: int
    def __init__(self, sent_at_ms: _Optional[int] = ..., in_flight: _Optional[int] = ..., rss_bytes: _Optional[int] = ...) -> None: ...

class WorkerHello(_message.Message):
    __slots__ = ["language", "max_concurrency", "name", "pid", "version", "worker_id"]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    language: str
    max_concurrency: int
    name: str
    pid: int
    version: str
    worker_id: str
    def __init__(self, worker_id: _Optional[str] = ..., name: _Optional[str] = ..., language: _Optional[str] = ..., pid: _Optional[int] = ..., version: _Optional[str] = ..., max_concurrency: _Optional[int] = ...) -> None: ...

class WorkerInvocation(_message.Message):
    __slots__ = ["args", "call_id", "context", "kwargs", "request_id", "session_id", "streaming", "timeout_ms", "tool_name"]
    class ContextEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class KwargsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    ARGS_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STREAMING_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    args: _containers.RepeatedCompositeFieldContainer[_any_pb2.Any]
    call_id: str
    context: _containers.ScalarMap[str, str]
    kwargs: _containers.MessageMap[str, _any_pb2.Any]
    request_id: str
    session_id: str
    streaming: bool
    timeout_ms: int
    tool_name: str
    def __init__(self, call_id: _Optional[str] = ..., session_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., args: _Optional[_Iterable[_Union[_any_pb2.Any, _Mapping]]] = ..., kwargs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., request_id: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., streaming: bool = ..., context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class WorkerWelcome(_message.Message):
    __slots__ = ["heartbeat_interval_ms", "host_address", "worker_id"]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    HOST_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    heartbeat_interval_ms: int
    host_address: str
    worker_id: str
    def __init__(self, worker_id: _Optional[str] = ..., heartbeat_interval_ms: _Optional[int] = ..., host_address: _Optional[str] = ...) -> None: ...
