from google.protobuf import any_pb2 as _any_pb2
from toolbridge.v1 import errors_pb2 as _errors_pb2
from toolbridge.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AgentAction(_message.Message):
    __slots__ = ["step", "tool_input", "tool_name"]
    class ToolInputEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    STEP_FIELD_NUMBER: _ClassVar[int]
    TOOL_INPUT_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    step: int
    tool_input: _containers.MessageMap[str, _any_pb2.Any]
    tool_name: str
    def __init__(self, tool_name: _Optional[str] = ..., tool_input: _Optional[_Mapping[str, _any_pb2.Any]] = ..., step: _Optional[int] = ...) -> None: ...

class AgentObservation(_message.Message):
    __slots__ = ["error", "metrics", "step", "success", "tool_output"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TOOL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    error: _errors_pb2.ErrorInfo
    metrics: _tools_pb2.ExecutionMetrics
    step: int
    success: bool
    tool_output: _any_pb2.Any
    def __init__(self, tool_output: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., step: _Optional[int] = ..., metrics: _Optional[_Union[_tools_pb2.ExecutionMetrics, _Mapping]] = ..., success: bool = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ...) -> None: ...

class AgentResult(_message.Message):
    __slots__ = ["final_answer", "total_steps"]
    class FinalAnswerEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    FINAL_ANSWER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    final_answer: _containers.MessageMap[str, _any_pb2.Any]
    total_steps: int
    def __init__(self, final_answer: _Optional[_Mapping[str, _any_pb2.Any]] = ..., total_steps: _Optional[int] = ...) -> None: ...

class AgentThought(_message.Message):
    __slots__ = ["step", "text"]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    step: int
    text: str
    def __init__(self, text: _Optional[str] = ..., step: _Optional[int] = ...) -> None: ...

class CreateReActAgentRequest(_message.Message):
    __slots__ = ["instructions", "llm", "max_iters", "session_id", "signature", "step_timeout_ms", "tool_names"]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    LLM_FIELD_NUMBER: _ClassVar[int]
    MAX_ITERS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    STEP_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    instructions: str
    llm: LlmConfig
    max_iters: int
    session_id: str
    signature: str
    step_timeout_ms: int
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, session_id: _Optional[str] = ..., signature: _Optional[str] = ..., tool_names: _Optional[_Iterable[str]] = ..., max_iters: _Optional[int] = ..., llm: _Optional[_Union[LlmConfig, _Mapping]] = ..., instructions: _Optional[str] = ..., step_timeout_ms: _Optional[int] = ...) -> None: ...

class CreateReActAgentResponse(_message.Message):
    __slots__ = ["agent_id", "input_fields", "output_fields"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELDS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    input_fields: _containers.RepeatedScalarFieldContainer[str]
    output_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, agent_id: _Optional[str] = ..., input_fields: _Optional[_Iterable[str]] = ..., output_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class ExecuteAgentRequest(_message.Message):
    __slots__ = ["agent_id", "inputs", "request_id", "session_id", "timeout_ms"]
    class InputsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _any_pb2.Any
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    inputs: _containers.MessageMap[str, _any_pb2.Any]
    request_id: str
    session_id: str
    timeout_ms: int
    def __init__(self, session_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., inputs: _Optional[_Mapping[str, _any_pb2.Any]] = ..., request_id: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ExecuteAgentResponse(_message.Message):
    __slots__ = ["action", "error", "observation", "result", "sequence", "thought"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    THOUGHT_FIELD_NUMBER: _ClassVar[int]
    action: AgentAction
    error: _errors_pb2.ErrorInfo
    observation: AgentObservation
    result: AgentResult
    sequence: int
    thought: AgentThought
    def __init__(self, sequence: _Optional[int] = ..., thought: _Optional[_Union[AgentThought, _Mapping]] = ..., action: _Optional[_Union[AgentAction, _Mapping]] = ..., observation: _Optional[_Union[AgentObservation, _Mapping]] = ..., result: _Optional[_Union[AgentResult, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.ErrorInfo, _Mapping]] = ...) -> None: ...

class LlmConfig(_message.Message):
    __slots__ = ["api_key_env", "base_url", "model", "options", "provider", "temperature"]
    class OptionsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    API_KEY_ENV_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    api_key_env: str
    base_url: str
    model: str
    options: _containers.ScalarMap[str, str]
    provider: str
    temperature: float
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., base_url: _Optional[str] = ..., api_key_env: _Optional[str] = ..., temperature: _Optional[float] = ..., options: _Optional[_Mapping[str, str]] = ...) -> None: ...
