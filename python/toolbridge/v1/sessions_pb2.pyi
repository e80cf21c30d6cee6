from google.protobuf import timestamp_pb2 as _timestamp_pb2
from toolbridge.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CleanupSessionRequest(_message.Message):
    __slots__ = ["force", "session_id"]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    force: bool
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., force: bool = ...) -> None: ...

class CleanupSessionResponse(_message.Message):
    __slots__ = ["cancelled_calls", "success", "tools_removed", "variables_removed"]
    CANCELLED_CALLS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_REMOVED_FIELD_NUMBER: _ClassVar[int]
    cancelled_calls: int
    success: bool
    tools_removed: int
    variables_removed: int
    def __init__(self, success: bool = ..., cancelled_calls: _Optional[int] = ..., variables_removed: _Optional[int] = ..., tools_removed: _Optional[int] = ...) -> None: ...

class GetSessionInfoRequest(_message.Message):
    __slots__ = ["session_id"]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class GetSessionInfoResponse(_message.Message):
    __slots__ = ["session"]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SessionInfo
    def __init__(self, session: _Optional[_Union[SessionInfo, _Mapping]] = ...) -> None: ...

class GetSessionToolsRequest(_message.Message):
    __slots__ = ["session_id"]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class GetSessionToolsResponse(_message.Message):
    __slots__ = ["tools"]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.ToolSpec]
    def __init__(self, tools: _Optional[_Iterable[_Union[_tools_pb2.ToolSpec, _Mapping]]] = ...) -> None: ...

class InitializeSessionRequest(_message.Message):
    __slots__ = ["callback_address", "config", "metadata", "session_id"]
    class MetadataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CALLBACK_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    callback_address: str
    config: SessionConfig
    metadata: _containers.ScalarMap[str, str]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., callback_address: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., config: _Optional[_Union[SessionConfig, _Mapping]] = ...) -> None: ...

class InitializeSessionResponse(_message.Message):
    __slots__ = ["capabilities", "session", "success", "tool_count", "tools"]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_COUNT_FIELD_NUMBER: _ClassVar[int]
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    session: SessionInfo
    success: bool
    tool_count: int
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.ToolSpec]
    def __init__(self, success: bool = ..., tool_count: _Optional[int] = ..., capabilities: _Optional[_Iterable[str]] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.ToolSpec, _Mapping]]] = ..., session: _Optional[_Union[SessionInfo, _Mapping]] = ...) -> None: ...

class SessionConfig(_message.Message):
    __slots__ = ["default_timeout_ms", "idle_ttl_ms", "max_concurrent_tools"]
    DEFAULT_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TTL_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_TOOLS_FIELD_NUMBER: _ClassVar[int]
    default_timeout_ms: int
    idle_ttl_ms: int
    max_concurrent_tools: int
    def __init__(self, max_concurrent_tools: _Optional[int] = ..., default_timeout_ms: _Optional[int] = ..., idle_ttl_ms: _Optional[int] = ...) -> None: ...

class SessionInfo(_message.Message):
    __slots__ = ["config", "created_at", "expires_at", "in_flight_calls", "last_active_at", "metadata", "owner", "session_id", "tool_count", "variable_count"]
    class MetadataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_CALLS_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_COUNT_FIELD_NUMBER: _ClassVar[int]
    VARIABLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    config: SessionConfig
    created_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    in_flight_calls: int
    last_active_at: _timestamp_pb2.Timestamp
    metadata: _containers.ScalarMap[str, str]
    owner: str
    session_id: str
    tool_count: int
    variable_count: int
    def __init__(self, session_id: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_active_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., tool_count: _Optional[int] = ..., variable_count: _Optional[int] = ..., in_flight_calls: _Optional[int] = ..., config: _Optional[_Union[SessionConfig, _Mapping]] = ..., owner: _Optional[str] = ...) -> None: ...
