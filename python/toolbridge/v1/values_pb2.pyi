from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

COLUMN_TYPE_BOOL: ColumnType
COLUMN_TYPE_BYTES: ColumnType
COLUMN_TYPE_FLOAT64: ColumnType
COLUMN_TYPE_INT64: ColumnType
COLUMN_TYPE_STRING: ColumnType
COLUMN_TYPE_TIMESTAMP: ColumnType
COLUMN_TYPE_UNSPECIFIED: ColumnType
DESCRIPTOR: _descriptor.FileDescriptor

class Column(_message.Message):
    __slots__ = ["data", "name", "offsets", "timezone", "type", "validity"]
    DATA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALIDITY_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    name: str
    offsets: bytes
    timezone: str
    type: ColumnType
    validity: bytes
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[ColumnType, str]] = ..., data: _Optional[bytes] = ..., offsets: _Optional[bytes] = ..., validity: _Optional[bytes] = ..., timezone: _Optional[str] = ...) -> None: ...

class ExtensionValue(_message.Message):
    __slots__ = ["data", "type_name"]
    DATA_FIELD_NUMBER: _ClassVar[int]
    TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    type_name: str
    def __init__(self, type_name: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class Table(_message.Message):
    __slots__ = ["columns", "index_columns", "num_rows"]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    INDEX_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    NUM_ROWS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[Column]
    index_columns: _containers.RepeatedScalarFieldContainer[str]
    num_rows: int
    def __init__(self, num_rows: _Optional[int] = ..., columns: _Optional[_Iterable[_Union[Column, _Mapping]]] = ..., index_columns: _Optional[_Iterable[str]] = ...) -> None: ...

class Value(_message.Message):
    __slots__ = ["bool_value", "bytes_value", "double_value", "extension_value", "int_value", "list_value", "map_value", "null_value", "string_value", "table_value", "timestamp_value"]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BYTES_VALUE_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    LIST_VALUE_FIELD_NUMBER: _ClassVar[int]
    MAP_VALUE_FIELD_NUMBER: _ClassVar[int]
    NULL_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    TABLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_VALUE_FIELD_NUMBER: _ClassVar[int]
    bool_value: bool
    bytes_value: bytes
    double_value: float
    extension_value: ExtensionValue
    int_value: int
    list_value: ValueList
    map_value: ValueMap
    null_value: _struct_pb2.NullValue
    string_value: str
    table_value: Table
    timestamp_value: _timestamp_pb2.Timestamp
    def __init__(self, null_value: _Optional[_Union[_struct_pb2.NullValue, str]] = ..., bool_value: bool = ..., int_value: _Optional[int] = ..., double_value: _Optional[float] = ..., string_value: _Optional[str] = ..., bytes_value: _Optional[bytes] = ..., timestamp_value: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., list_value: _Optional[_Union[ValueList, _Mapping]] = ..., map_value: _Optional[_Union[ValueMap, _Mapping]] = ..., table_value: _Optional[_Union[Table, _Mapping]] = ..., extension_value: _Optional[_Union[ExtensionValue, _Mapping]] = ...) -> None: ...

class ValueList(_message.Message):
    __slots__ = ["values"]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[Value]
    def __init__(self, values: _Optional[_Iterable[_Union[Value, _Mapping]]] = ...) -> None: ...

class ValueMap(_message.Message):
    __slots__ = ["entries"]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[ValueMapEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[ValueMapEntry, _Mapping]]] = ...) -> None: ...

class ValueMapEntry(_message.Message):
    __slots__ = ["key", "key_value", "value"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_VALUE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    key_value: Value
    value: Value
    def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ..., key_value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ColumnType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
