"""ToolSpec / ArgumentSpec / ToolType: the Python view of a tool's description."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Dict, List

from toolbridge.v1 import tools_pb2


class ToolType(enum.Enum):
    """How a tool is called (proto ToolType without the prefix)."""

    UNSPECIFIED = tools_pb2.TOOL_TYPE_UNSPECIFIED
    STANDARD = tools_pb2.TOOL_TYPE_STANDARD
    STREAMING = tools_pb2.TOOL_TYPE_STREAMING
    BATCH = tools_pb2.TOOL_TYPE_BATCH
    COMPOSITE = tools_pb2.TOOL_TYPE_COMPOSITE


@dataclass
class ArgumentSpec:
    name: str
    # Language-neutral type name: "str", "int", "list[str]", "any", ...
    python_type: str = "any"
    required: bool = False
    description: str = ""

    @classmethod
    def from_proto(cls, message: tools_pb2.ArgumentSpec) -> "ArgumentSpec":
        return cls(
            name=message.name,
            python_type=message.type or "any",
            required=message.required,
            description=message.description,
        )

    def to_proto(self) -> tools_pb2.ArgumentSpec:
        return tools_pb2.ArgumentSpec(
            name=self.name, type=self.python_type, required=self.required, description=self.description
        )


@dataclass
class ToolSpec:
    tool_id: str
    name: str
    description: str = ""
    type: ToolType = ToolType.STANDARD
    arguments: List[ArgumentSpec] = field(default_factory=list)
    return_type: str = "any"
    metadata: Dict[str, str] = field(default_factory=dict)
    input_json_schema: str = ""

    @classmethod
    def from_proto(cls, message: tools_pb2.ToolSpec) -> "ToolSpec":
        return cls(
            tool_id=message.tool_id or message.name,
            name=message.name or message.tool_id,
            description=message.description,
            type=ToolType(message.type),
            arguments=[ArgumentSpec.from_proto(a) for a in message.arguments],
            return_type=message.return_type or "any",
            metadata=dict(message.metadata),
            input_json_schema=message.input_json_schema,
        )

    def to_proto(self) -> tools_pb2.ToolSpec:
        return tools_pb2.ToolSpec(
            tool_id=self.tool_id,
            name=self.name,
            description=self.description,
            type=self.type.value,
            arguments=[a.to_proto() for a in self.arguments],
            return_type=self.return_type,
            metadata=self.metadata,
            input_json_schema=self.input_json_schema,
        )
