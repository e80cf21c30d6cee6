"""@tool: a Python function as a worker tool, its ToolSpec read off type hints and docstring."""

from __future__ import annotations

import datetime as _dt
import inspect
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from toolbridge.codec import serialize_value
from toolbridge.v1 import tools_pb2

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Return|Yields|Raises|Example|Examples|Note|Notes):\s*$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")


@dataclass
class Parameter:
    """One argument of a tool: how the host describes it and how the worker checks it."""

    name: str
    type_name: str
    required: bool
    default: Any = None
    annotation: Any = Any
    description: str = ""


@dataclass
class WorkerTool:
    """A function the worker runs on the host's behalf."""

    fn: Callable[..., Any]
    name: str
    description: str
    parameters: List[Parameter]
    streaming: bool
    is_async: bool
    # Name of the parameter that receives the ToolContext, if any.
    context_param: Optional[str]
    timeout_ms: int = 0
    idempotent: bool = True
    metadata: Dict[str, str] = field(default_factory=dict)

    def to_proto(self) -> tools_pb2.ToolSpec:
        arguments = []
        for p in self.parameters:
            arg = tools_pb2.ArgumentSpec(
                name=p.name, type=p.type_name, required=p.required, description=p.description
            )
            if not p.required and p.default is not None:
                arg.default_value.CopyFrom(serialize_value(p.default))
            arguments.append(arg)
        metadata = dict(self.metadata)
        if not self.idempotent:
            metadata["idempotent"] = "false"
        spec = tools_pb2.ToolSpec(
            tool_id=self.name,
            name=self.name,
            description=self.description,
            type=tools_pb2.TOOL_TYPE_STREAMING if self.streaming else tools_pb2.TOOL_TYPE_STANDARD,
            arguments=arguments,
            return_type=_return_type(self.fn, self.streaming),
            metadata=metadata,
            location=tools_pb2.TOOL_LOCATION_WORKER,
        )
        if self.timeout_ms:
            spec.limits.timeout_ms = self.timeout_ms
        return spec

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Still callable as the plain function (tests, local use)."""
        return self.fn(*args, **kwargs)


# Every @tool of this process, in definition order: what run_worker serves by default.
_DEFINED: List["WorkerTool"] = []


def defined_tools() -> List[WorkerTool]:
    """Tools declared with @tool so far (the latest of each name)."""
    return list({t.name: t for t in _DEFINED}.values())


def tool(
    fn: Optional[Callable[..., Any]] = None,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    timeout_ms: int = 0,
    idempotent: bool = True,
    metadata: Optional[Dict[str, str]] = None,
) -> Any:
    """Declares a worker tool. Use bare (`@tool`) or with options
    (`@tool(name="x", timeout_ms=5000, idempotent=False)`).

    The spec comes from the function: argument names and types from its type hints
    (str, int, float, bool, bytes, list[...], dict[str, ...], Optional[...], Any,
    datetime), required unless it has a default, descriptions from the docstring's
    Args section, the tool description from the docstring's first paragraph. A
    parameter annotated ToolContext or named `ctx` receives the call's context.
    Async functions, plain functions (run in a thread) and async generators
    (streaming tools) are supported. idempotent=False: a call is not re-run on
    another replica when this worker dies during it."""

    def wrap(f: Callable[..., Any]) -> WorkerTool:
        described = _describe(f, name, description, timeout_ms, idempotent, metadata or {})
        _DEFINED.append(described)
        return described

    return wrap(fn) if fn is not None else wrap


def _describe(
    fn: Callable[..., Any],
    name: Optional[str],
    description: Optional[str],
    timeout_ms: int,
    idempotent: bool,
    metadata: Dict[str, str],
) -> WorkerTool:
    tool_name = name or fn.__name__
    if not _NAME.match(tool_name):
        raise ValueError(f"invalid tool name {tool_name!r}: use letters, digits, _ . -")
    summary, arg_docs = parse_docstring(inspect.getdoc(fn) or "")
    hints = _hints(fn)
    parameters: List[Parameter] = []
    context_param: Optional[str] = None
    for param in inspect.signature(fn).parameters.values():
        annotation = hints.get(param.name, Any)
        if _is_context(param.name, annotation):
            context_param = param.name
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool {tool_name}: *args/**kwargs cannot be described as arguments")
        required = param.default is inspect.Parameter.empty
        parameters.append(
            Parameter(
                name=param.name,
                type_name=type_name(annotation),
                required=required,
                default=None if required else param.default,
                annotation=annotation,
                description=arg_docs.get(param.name, ""),
            )
        )
    return WorkerTool(
        fn=fn,
        name=tool_name,
        description=description if description is not None else summary,
        parameters=parameters,
        streaming=inspect.isasyncgenfunction(fn),
        is_async=inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn),
        context_param=context_param,
        timeout_ms=timeout_ms,
        idempotent=idempotent,
        metadata=metadata,
    )


def _hints(fn: Callable[..., Any]) -> Dict[str, Any]:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # unresolvable forward references: fall back to the raw annotations
        return dict(getattr(fn, "__annotations__", {}))


def _is_context(param_name: str, annotation: Any) -> bool:
    from toolbridge.worker.context import ToolContext

    if annotation is ToolContext or ToolContext in typing.get_args(annotation):
        return True
    return param_name == "ctx" and annotation in (Any, inspect.Parameter.empty)


def parse_docstring(doc: str) -> Tuple[str, Dict[str, str]]:
    """First paragraph, and the Args section's `name (type): text` entries
    (continuation lines indented further belong to the entry above)."""
    lines = doc.splitlines()
    summary_lines: List[str] = []
    for line in lines:
        if not line.strip() or _SECTION.match(line):
            break
        summary_lines.append(line.strip())
    args: Dict[str, str] = {}
    section = ""
    current = ""
    base_indent = -1
    for line in lines:
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
            current, base_indent = "", -1
            continue
        if section not in ("Args", "Arguments", "Parameters") or not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        match = _ARG_LINE.match(line)
        if match and (base_indent < 0 or indent <= base_indent):
            base_indent = indent
            current = match.group(1).lstrip("*")
            args[current] = match.group(3).strip()
        elif current:
            args[current] = f"{args[current]} {line.strip()}".strip()
    return " ".join(summary_lines), args


def type_name(annotation: Any) -> str:
    """Language-neutral type name, as the host's specs use ("str", "list[int]", ...)."""
    if annotation in (Any, inspect.Parameter.empty, object):
        return "any"
    if annotation is type(None):
        return "none"
    simple = {str: "str", int: "int", float: "float", bool: "bool", bytes: "bytes", list: "list", dict: "dict"}
    if annotation in simple:
        return simple[annotation]
    if annotation in (_dt.datetime, _dt.date):
        return "datetime"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        rest = [a for a in args if a is not type(None)]
        return type_name(rest[0]) if len(rest) == 1 else "any"
    if origin in (list, typing.List, tuple, set, frozenset):
        return f"list[{type_name(args[0])}]" if args else "list"
    if origin in (dict, typing.Dict):
        return f"dict[{type_name(args[0])}, {type_name(args[1])}]" if len(args) == 2 else "dict"
    if getattr(annotation, "__name__", "") == "DataFrame":
        return "dataframe"
    return "any"


def _return_type(fn: Callable[..., Any], streaming: bool) -> str:
    returned = _hints(fn).get("return", Any)
    if streaming:
        args = typing.get_args(returned)
        return type_name(args[0]) if args else "any"
    return type_name(returned)
