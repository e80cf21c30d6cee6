from google.protobuf import any_pb2 as _any_pb2
from toolbridge.v1 import errors_pb2 as _errors_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
TOOL_LOCATION_HOST: ToolLocation
TOOL_LOCATION_UNSPECIFIED: ToolLocation
TOOL_LOCATION_WORKER: ToolLocation
TOOL_TYPE_BATCH: ToolType
TOOL_TYPE_COMPOSITE: ToolType
TOOL_TYPE_STANDARD: ToolType
TOOL_TYPE_STREAMING: ToolType
TOOL_TYPE_UNSPECIFIED: ToolType

class ArgumentSpec(_message.Message):
    __slots__ = ["default_value", "description", "json_schema", "name", "required", "type", "validation"]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_FIELD_NUMBER: _ClassVar[int]
    default_value: _any_pb2.Any
    description: str
    json_schema: str
    name: str
    required: bool
    type: str
    validation: ArgumentValidation
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., required: bool = ..., default_value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., description: _Optional[str] = ..., validation: _Optional[_Union[ArgumentValidation, _Mapping]] = ..., json_schema: _Optional[str] = ...) -> None: ...

class ArgumentValidation(_message.Message):
    __slots__ = ["enum_values", "max_length", "max_value", "min_length", "min_value", "pattern"]
    ENUM_VALUES_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MAX_VALUE_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MIN_VALUE_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    enum_values: _containers.RepeatedScalarFieldContainer[str]
    max_length: int
    max_value: float
    min_length: int
    min_value: float
    pattern: str
    def __init__(self, pattern: _Optional[str] = ..., min_value: _Optional[float] = ..., max_value: _Optional[float] = ..., min_length: _Optional[int] = ..., max_length: _Optional[int] = ..., enum_values: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchConfig(_message.Message):
    __slots__ = ["max_parallel", "parallel", "stop_on_error"]
    MAX_PARALLEL_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_FIELD_NUMBER: _ClassVar[int]
    STOP_ON_ERROR_FIELD_NUMBER: _ClassVar[int]
    max_parallel: int
    parallel: bool
    stop_on_error: bool
    def __init__(self, parallel: bool = ..., stop_on_error: bool = ..., max_parallel: _Optional[int] = ...) -> None: ...

class BatchExecuteToolsRequest(_message.Message):
    __slots__ = ["config", "items", "session_id", "timeout_ms"]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    config: BatchConfig
    items: _containers.RepeatedCompositeFieldContainer[BatchItem]
    session_id: str
    timeout_ms: int
    def __init__(self, session_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[BatchItem, _Mapping]]] = ..., config: _Optional[_Union[BatchConfig, _Mapping]] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class BatchExecuteToolsResponse(_message.Message):
    __slots__ = ["metrics", "results"]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    metrics: BatchMetrics
    results: _containers.RepeatedCompositeFieldContainer[ExecuteToolResponse]
    def __init__(self, results: _Optional[_Iterable[_Union[ExecuteToolResponse, _Mapping]]] = ..., metrics: _Optional[_Union[BatchMetrics, _Mapping]] = ...) -> None: ...

class BatchItem(_message.Message):
    __slots__ = ["args", "kwargs", "request_id", "tool_id"]
    class KwargsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    ARGS_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_ID_FIELD_NUMBER: _ClassVar[int]
    args: _containers.RepeatedCompositeFieldContainer[_any_pb2.Any]
    kwargs: _containers.MessageMap[str, _any_pb2.Any]
    request_id: str
    tool_id: str
    def __init__(self, tool_id: _Optional[str] = ..., args: _Optional[_Iterable[_Union[_any_pb2.Any, _Mapping]]] = ..., kwargs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchMetrics(_message.Message):
    __slots__ = ["cancelled", "failed", "succeeded", "total_duration_ms"]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    cancelled: int
    failed: int
    succeeded: int
    total_duration_ms: float
    def __init__(self, total_duration_ms: _Optional[float] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., cancelled: _Optional[int] = ...) -> None: ...

class ChunkMetadata(_message.Message):
    __slots__ = ["entries"]
    class EntriesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.ScalarMap[str, str]
    def __init__(self, entries: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ExecuteToolRequest(_message.Message):
    __slots__ = ["args", "context", "kwargs", "request_id", "session_id", "timeout_ms", "tool_id"]
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
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    TOOL_ID_FIELD_NUMBER: _ClassVar[int]
    args: _containers.RepeatedCompositeFieldContainer[_any_pb2.Any]
    context: _containers.ScalarMap[str, str]
    kwargs: _containers.MessageMap[str, _any_pb2.Any]
    request_id: str
    session_id: str
    timeout_ms: int
    tool_id: str
    def __init__(self, session_id: _Optional[str] = ..., tool_id: _Optional[str] = ..., args: _Optional[_Iterable[_Union[_any_pb2.Any, _Mapping]]] = ..., kwargs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., request_id: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ExecuteToolResponse(_message.Message):
    __slots__ = ["error", "metrics", "request_id", "result", "success"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    error: _errors_pb2.ErrorInfo
    metrics: ExecutionMetrics
    request_id: str
    result: _any_pb2.Any
    success: bool
    def __init__(self, success: bool = ..., result: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ..., metrics: _Optional[_Union[ExecutionMetrics, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ExecutionMetrics(_message.Message):
    __slots__ = ["attempts", "duration_ms", "queued_ms", "result_bytes", "worker_id"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_MS_FIELD_NUMBER: _ClassVar[int]
    RESULT_BYTES_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    attempts: int
    duration_ms: float
    queued_ms: float
    result_bytes: int
    worker_id: str
    def __init__(self, duration_ms: _Optional[float] = ..., queued_ms: _Optional[float] = ..., result_bytes: _Optional[int] = ..., worker_id: _Optional[str] = ..., attempts: _Optional[int] = ...) -> None: ...

class StreamComplete(_message.Message):
    __slots__ = ["metrics", "request_id", "total_bytes", "total_chunks"]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CHUNKS_FIELD_NUMBER: _ClassVar[int]
    metrics: ExecutionMetrics
    request_id: str
    total_bytes: int
    total_chunks: int
    def __init__(self, total_chunks: _Optional[int] = ..., metrics: _Optional[_Union[ExecutionMetrics, _Mapping]] = ..., total_bytes: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class StreamToolRequest(_message.Message):
    __slots__ = ["args", "context", "kwargs", "request_id", "session_id", "stream_id", "timeout_ms", "tool_id"]
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
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    TOOL_ID_FIELD_NUMBER: _ClassVar[int]
    args: _containers.RepeatedCompositeFieldContainer[_any_pb2.Any]
    context: _containers.ScalarMap[str, str]
    kwargs: _containers.MessageMap[str, _any_pb2.Any]
    request_id: str
    session_id: str
    stream_id: str
    timeout_ms: int
    tool_id: str
    def __init__(self, session_id: _Optional[str] = ..., tool_id: _Optional[str] = ..., args: _Optional[_Iterable[_Union[_any_pb2.Any, _Mapping]]] = ..., kwargs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., request_id: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., stream_id: _Optional[str] = ..., context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StreamToolResponse(_message.Message):
    __slots__ = ["complete", "data", "error", "metadata", "sequence", "stream_id"]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    complete: StreamComplete
    data: _any_pb2.Any
    error: _errors_pb2.ErrorInfo
    metadata: ChunkMetadata
    sequence: int
    stream_id: str
    def __init__(self, stream_id: _Optional[str] = ..., sequence: _Optional[int] = ..., data: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., metadata: _Optional[_Union[ChunkMetadata, _Mapping]] = ..., complete: _Optional[_Union[StreamComplete, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ...) -> None: ...

class ToolExample(_message.Message):
    __slots__ = ["description", "kwargs", "result"]
    class KwargsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    description: str
    kwargs: _containers.MessageMap[str, _any_pb2.Any]
    result: _any_pb2.Any
    def __init__(self, description: _Optional[str] = ..., kwargs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., result: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...

class ToolLimits(_message.Message):
    __slots__ = ["max_concurrent_calls", "max_memory_bytes", "max_queued_calls", "rate_limit_per_minute", "timeout_ms"]
    MAX_CONCURRENT_CALLS_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_QUEUED_CALLS_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    max_concurrent_calls: int
    max_memory_bytes: int
    max_queued_calls: int
    rate_limit_per_minute: int
    timeout_ms: int
    def __init__(self, timeout_ms: _Optional[int] = ..., max_memory_bytes: _Optional[int] = ..., max_concurrent_calls: _Optional[int] = ..., rate_limit_per_minute: _Optional[int] = ..., max_queued_calls: _Optional[int] = ...) -> None: ...

class ToolSpec(_message.Message):
    __slots__ = ["arguments", "description", "examples", "input_json_schema", "limits", "location", "metadata", "name", "output_json_schema", "return_type", "session_id", "tool_id", "type"]
    class MetadataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    INPUT_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    RETURN_TYPE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    arguments: _containers.RepeatedCompositeFieldContainer[ArgumentSpec]
    description: str
    examples: _containers.RepeatedCompositeFieldContainer[ToolExample]
    input_json_schema: str
    limits: ToolLimits
    location: ToolLocation
    metadata: _containers.ScalarMap[str, str]
    name: str
    output_json_schema: str
    return_type: str
    session_id: str
    tool_id: str
    type: ToolType
    def __init__(self, tool_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., type: _Optional[_Union[ToolType, str]] = ..., arguments: _Optional[_Iterable[_Union[ArgumentSpec, _Mapping]]] = ..., return_type: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., examples: _Optional[_Iterable[_Union[ToolExample, _Mapping]]] = ..., limits: _Optional[_Union[ToolLimits, _Mapping]] = ..., input_json_schema: _Optional[str] = ..., output_json_schema: _Optional[str] = ..., location: _Optional[_Union[ToolLocation, str]] = ..., session_id: _Optional[str] = ...) -> None: ...

class ToolType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ToolLocation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
