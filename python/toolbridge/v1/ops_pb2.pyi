from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SERVING_STATUS_DRAINING: ServingStatus
SERVING_STATUS_NOT_SERVING: ServingStatus
SERVING_STATUS_SERVING: ServingStatus
SERVING_STATUS_UNSPECIFIED: ServingStatus

class GetMetricsRequest(_message.Message):
    __slots__ = ["tool_name"]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    tool_name: str
    def __init__(self, tool_name: _Optional[str] = ...) -> None: ...

class GetMetricsResponse(_message.Message):
    __slots__ = ["active_sessions", "in_flight_calls", "stream_bytes_sent", "tools", "uptime_ms"]
    ACTIVE_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_CALLS_FIELD_NUMBER: _ClassVar[int]
    STREAM_BYTES_SENT_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_MS_FIELD_NUMBER: _ClassVar[int]
    active_sessions: int
    in_flight_calls: int
    stream_bytes_sent: int
    tools: _containers.RepeatedCompositeFieldContainer[ToolMetrics]
    uptime_ms: int
    def __init__(self, tools: _Optional[_Iterable[_Union[ToolMetrics, _Mapping]]] = ..., active_sessions: _Optional[int] = ..., in_flight_calls: _Optional[int] = ..., stream_bytes_sent: _Optional[int] = ..., uptime_ms: _Optional[int] = ...) -> None: ...

class HealthCheckRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class HealthCheckResponse(_message.Message):
    __slots__ = ["sessions", "status", "uptime_ms", "version", "workers"]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_MS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    sessions: int
    status: ServingStatus
    uptime_ms: int
    version: str
    workers: int
    def __init__(self, status: _Optional[_Union[ServingStatus, str]] = ..., version: _Optional[str] = ..., uptime_ms: _Optional[int] = ..., sessions: _Optional[int] = ..., workers: _Optional[int] = ...) -> None: ...

class HistogramBucket(_message.Message):
    __slots__ = ["count", "upper_bound_ms"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    UPPER_BOUND_MS_FIELD_NUMBER: _ClassVar[int]
    count: int
    upper_bound_ms: float
    def __init__(self, upper_bound_ms: _Optional[float] = ..., count: _Optional[int] = ...) -> None: ...

class ToolMetrics(_message.Message):
    __slots__ = ["calls", "errors_by_type", "latency_buckets", "max_ms", "p50_ms", "p95_ms", "p99_ms", "successes", "tool_name"]
    class ErrorsByTypeEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CALLS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_BY_TYPE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_BUCKETS_FIELD_NUMBER: _ClassVar[int]
    MAX_MS_FIELD_NUMBER: _ClassVar[int]
    P50_MS_FIELD_NUMBER: _ClassVar[int]
    P95_MS_FIELD_NUMBER: _ClassVar[int]
    P99_MS_FIELD_NUMBER: _ClassVar[int]
    SUCCESSES_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    calls: int
    errors_by_type: _containers.ScalarMap[str, int]
    latency_buckets: _containers.RepeatedCompositeFieldContainer[HistogramBucket]
    max_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    successes: int
    tool_name: str
    def __init__(self, tool_name: _Optional[str] = ..., calls: _Optional[int] = ..., successes: _Optional[int] = ..., errors_by_type: _Optional[_Mapping[str, int]] = ..., p50_ms: _Optional[float] = ..., p95_ms: _Optional[float] = ..., p99_ms: _Optional[float] = ..., max_ms: _Optional[float] = ..., latency_buckets: _Optional[_Iterable[_Union[HistogramBucket, _Mapping]]] = ...) -> None: ...

class ServingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
