"""Generated messages under the names the testing strategy uses, next to their own."""

from toolbridge.v1.agents_pb2 import (  # noqa: F401
    CreateReActAgentRequest,
    CreateReActAgentResponse,
    ExecuteAgentRequest,
    ExecuteAgentResponse,
    LlmConfig,
)
from toolbridge.v1.errors_pb2 import ErrorInfo, FieldViolation  # noqa: F401
from toolbridge.v1.sessions_pb2 import (  # noqa: F401
    CleanupSessionRequest,
    CleanupSessionResponse,
    GetSessionInfoRequest,
    GetSessionToolsRequest,
    InitializeSessionRequest,
    InitializeSessionResponse,
    SessionConfig,
)
from toolbridge.v1.tools_pb2 import (  # noqa: F401
    BatchConfig,
    BatchExecuteToolsRequest,
    BatchExecuteToolsResponse,
    BatchItem,
    ExecuteToolRequest,
    ExecuteToolResponse,
    ExecutionMetrics,
    StreamComplete,
    StreamToolRequest,
    StreamToolResponse,
)
from toolbridge.v1.variables_pb2 import (  # noqa: F401
    DeleteVariableRequest,
    GetVariableRequest,
    ListVariablesRequest,
    SetVariableRequest,
    WatchVariablesRequest,
)

# The spec's names (from the DSPex protocol it was written against).
ToolCallRequest = ExecuteToolRequest
ToolCallResponse = ExecuteToolResponse
ToolStreamRequest = StreamToolRequest
ToolStreamChunk = StreamToolResponse
CompleteSignal = StreamComplete

__all__ = [
    "BatchConfig",
    "BatchExecuteToolsRequest",
    "BatchExecuteToolsResponse",
    "BatchItem",
    "CleanupSessionRequest",
    "CleanupSessionResponse",
    "CompleteSignal",
    "CreateReActAgentRequest",
    "CreateReActAgentResponse",
    "DeleteVariableRequest",
    "ErrorInfo",
    "ExecuteAgentRequest",
    "ExecuteAgentResponse",
    "ExecuteToolRequest",
    "ExecuteToolResponse",
    "ExecutionMetrics",
    "FieldViolation",
    "GetSessionInfoRequest",
    "GetSessionToolsRequest",
    "GetVariableRequest",
    "InitializeSessionRequest",
    "InitializeSessionResponse",
    "ListVariablesRequest",
    "LlmConfig",
    "SessionConfig",
    "SetVariableRequest",
    "StreamComplete",
    "StreamToolRequest",
    "StreamToolResponse",
    "ToolCallRequest",
    "ToolCallResponse",
    "ToolStreamChunk",
    "ToolStreamRequest",
    "WatchVariablesRequest",
]
