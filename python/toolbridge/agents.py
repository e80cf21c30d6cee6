"""ReAct agent events as plain dicts with a `type` key, the shape the spec's
execute_agent_streaming yields: thought, action, observation, result, error."""

from __future__ import annotations

from typing import Any, Dict

from toolbridge.codec import deserialize_value
from toolbridge.errors import ProtocolError
from toolbridge.v1.agents_pb2 import ExecuteAgentResponse


def _values(entries: Any) -> Dict[str, Any]:
    return {key: deserialize_value(value) for key, value in entries.items()}


def _error(info: Any) -> Dict[str, Any]:
    return {
        "error_type": info.type,
        "message": info.message,
        "details": dict(info.details),
        "tool_name": info.tool_name,
    }


def agent_event(event: ExecuteAgentResponse) -> Dict[str, Any]:
    kind = event.WhichOneof("chunk")
    base: Dict[str, Any] = {"type": kind, "sequence": event.sequence}
    if kind == "thought":
        return {**base, "text": event.thought.text, "step": event.thought.step}
    if kind == "action":
        return {
            **base,
            "tool_name": event.action.tool_name,
            "tool_input": _values(event.action.tool_input),
            "step": event.action.step,
        }
    if kind == "observation":
        obs = event.observation
        return {
            **base,
            "tool_output": deserialize_value(obs.tool_output) if obs.HasField("tool_output") else None,
            "step": obs.step,
            "success": obs.success,
            "error": _error(obs.error) if obs.HasField("error") else None,
            "duration_ms": obs.metrics.duration_ms,
        }
    if kind == "result":
        return {**base, "final_answer": _values(event.result.final_answer), "total_steps": event.result.total_steps}
    if kind == "error":
        return {**base, **_error(event.error)}
    raise ProtocolError(f"agent event {event.sequence} has no content")
