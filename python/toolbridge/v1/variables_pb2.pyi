from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
VARIABLE_CHANGE_TYPE_DELETED: VariableChangeType
VARIABLE_CHANGE_TYPE_INITIAL: VariableChangeType
VARIABLE_CHANGE_TYPE_SET: VariableChangeType
VARIABLE_CHANGE_TYPE_UNSPECIFIED: VariableChangeType

class DeleteVariableRequest(_message.Message):
    __slots__ = ["expected_version", "name", "session_id"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    name: str
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., name: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class DeleteVariableResponse(_message.Message):
    __slots__ = ["deleted"]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: bool = ...) -> None: ...

class GetVariableRequest(_message.Message):
    __slots__ = ["name", "session_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class GetVariableResponse(_message.Message):
    __slots__ = ["variable"]
    VARIABLE_FIELD_NUMBER: _ClassVar[int]
    variable: Variable
    def __init__(self, variable: _Optional[_Union[Variable, _Mapping]] = ...) -> None: ...

class ListVariablesRequest(_message.Message):
    __slots__ = ["cursor", "limit", "prefix", "session_id", "tags"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    limit: int
    prefix: str
    session_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, session_id: _Optional[str] = ..., prefix: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListVariablesResponse(_message.Message):
    __slots__ = ["next_cursor", "variables"]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    next_cursor: str
    variables: _containers.RepeatedCompositeFieldContainer[Variable]
    def __init__(self, variables: _Optional[_Iterable[_Union[Variable, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class SetVariableRequest(_message.Message):
    __slots__ = ["created_by", "description", "expected_version", "name", "session_id", "tags", "type", "value"]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    created_by: str
    description: str
    expected_version: int
    name: str
    session_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    type: str
    value: _any_pb2.Any
    def __init__(self, session_id: _Optional[str] = ..., name: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., type: _Optional[str] = ..., created_by: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SetVariableResponse(_message.Message):
    __slots__ = ["variable"]
    VARIABLE_FIELD_NUMBER: _ClassVar[int]
    variable: Variable
    def __init__(self, variable: _Optional[_Union[Variable, _Mapping]] = ...) -> None: ...

class Variable(_message.Message):
    __slots__ = ["metadata", "name", "value"]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    metadata: VariableMetadata
    name: str
    value: _any_pb2.Any
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., metadata: _Optional[_Union[VariableMetadata, _Mapping]] = ...) -> None: ...

class VariableMetadata(_message.Message):
    __slots__ = ["created_at", "created_by", "description", "tags", "type", "updated_at", "version"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    description: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    type: str
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, type: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., version: _Optional[int] = ..., description: _Optional[str] = ...) -> None: ...

class WatchVariablesRequest(_message.Message):
    __slots__ = ["include_initial", "names", "prefix", "session_id"]
    INCLUDE_INITIAL_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    include_initial: bool
    names: _containers.RepeatedScalarFieldContainer[str]
    prefix: str
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., names: _Optional[_Iterable[str]] = ..., prefix: _Optional[str] = ..., include_initial: bool = ...) -> None: ...

class WatchVariablesResponse(_message.Message):
    __slots__ = ["change_type", "variable"]
    CHANGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    VARIABLE_FIELD_NUMBER: _ClassVar[int]
    change_type: VariableChangeType
    variable: Variable
    def __init__(self, change_type: _Optional[_Union[VariableChangeType, str]] = ..., variable: _Optional[_Union[Variable, _Mapping]] = ...) -> None: ...

class VariableChangeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
