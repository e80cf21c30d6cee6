"""Binding a WorkerInvocation's encoded arguments to a tool's parameters, and checking them."""

from __future__ import annotations

import datetime as _dt
import typing
from typing import Any, Dict, List, Tuple

from toolbridge.codec import deserialize_value
from toolbridge.v1 import errors_pb2, workers_pb2
from toolbridge.worker.spec import WorkerTool


class ToolCallFailure(Exception):
    """A failed call with its ErrorInfo ready to send back."""

    def __init__(self, info: errors_pb2.ErrorInfo) -> None:
        super().__init__(info.message)
        self.info = info


def bind_arguments(tool: WorkerTool, invocation: workers_pb2.WorkerInvocation) -> Dict[str, Any]:
    """Positional args bind in parameter order, then keyword args; every value is
    decoded and checked against its type hint. Raises ToolCallFailure
    (ValidationError naming every bad field) otherwise."""
    values: Dict[str, Any] = {}
    violations: List[Tuple[str, str]] = []
    names = [p.name for p in tool.parameters]
    for i, encoded in enumerate(invocation.args):
        if i >= len(names):
            violations.append((f"args[{i}]", f"unexpected positional argument: {tool.name} takes at most {len(names)}"))
            continue
        _decode_into(values, names[i], encoded, violations)
    for key, encoded in invocation.kwargs.items():
        if key not in names:
            violations.append((key, "unexpected argument"))
        elif key in values:
            violations.append((key, "given both positionally and by name"))
        else:
            _decode_into(values, key, encoded, violations)
    reported = {field for field, _ in violations}
    for param in tool.parameters:
        if param.name not in values:
            if param.required and param.name not in reported:
                violations.append((param.name, "required argument missing"))
            continue
        problem = _type_problem(values[param.name], param.annotation)
        if problem:
            violations.append((param.name, problem))
    if violations:
        raise ToolCallFailure(validation_error(tool.name, violations))
    return values


def validation_error(tool_name: str, violations: List[Tuple[str, str]]) -> errors_pb2.ErrorInfo:
    listed = "; ".join(f"{field}: {text}" for field, text in violations)
    return errors_pb2.ErrorInfo(
        type="ValidationError",
        message=f"invalid arguments for {tool_name}: {listed}",
        details={field: text for field, text in violations},
        field_violations=[errors_pb2.FieldViolation(field=f, description=d) for f, d in violations],
        tool_name=tool_name,
    )


def _decode_into(values: Dict[str, Any], name: str, encoded: Any, violations: List[Tuple[str, str]]) -> None:
    try:
        values[name] = deserialize_value(encoded)
    except Exception as exc:  # an undecodable value is the caller's mistake, reported per field
        violations.append((name, f"undecodable value: {exc}"))


_SIMPLE = {str: "a string", bytes: "bytes", bool: "a boolean", list: "a list", dict: "a dict"}


def _type_problem(value: Any, annotation: Any) -> str:
    """Why `value` does not fit `annotation`, or "" when it does (or the hint is not checkable)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        if value is None and type(None) in args:
            return ""
        problems = [_type_problem(value, a) for a in args if a is not type(None)]
        return "" if any(p == "" for p in problems) else (problems[0] if problems else "")
    if annotation is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return "" if ok else f"expected an integer, got {type(value).__name__}"
    if annotation is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return "" if ok else f"expected a number, got {type(value).__name__}"
    if annotation in _SIMPLE:
        return "" if isinstance(value, annotation) else f"expected {_SIMPLE[annotation]}, got {type(value).__name__}"
    if annotation in (_dt.datetime, _dt.date):
        return "" if isinstance(value, annotation) else f"expected a datetime, got {type(value).__name__}"
    if origin in (list, typing.List):
        if not isinstance(value, list):
            return f"expected a list, got {type(value).__name__}"
        for i, item in enumerate(value):
            problem = _type_problem(item, args[0]) if args else ""
            if problem:
                return f"item {i}: {problem}"
        return ""
    if origin in (dict, typing.Dict):
        return "" if isinstance(value, dict) else f"expected a dict, got {type(value).__name__}"
    return ""
