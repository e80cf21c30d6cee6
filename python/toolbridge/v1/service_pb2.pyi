from toolbridge.v1 import agents_pb2 as _agents_pb2
from toolbridge.v1 import ops_pb2 as _ops_pb2
from toolbridge.v1 import sessions_pb2 as _sessions_pb2
from toolbridge.v1 import tools_pb2 as _tools_pb2
from toolbridge.v1 import variables_pb2 as _variables_pb2
from toolbridge.v1 import workers_pb2 as _workers_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
