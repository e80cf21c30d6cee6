"""A session's handle: its id, the stub calls go through, and its variables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterable, Optional, Tuple

import grpc

from toolbridge.calls import cancel_call
from toolbridge.codec import deserialize_value, serialize_value
from toolbridge.failures import error_from_rpc
from toolbridge.v1 import variables_pb2

if TYPE_CHECKING:
    from toolbridge.client import ToolBridgeClient

_CHANGE_TYPES = {
    variables_pb2.VARIABLE_CHANGE_TYPE_INITIAL: "initial",
    variables_pb2.VARIABLE_CHANGE_TYPE_SET: "set",
    variables_pb2.VARIABLE_CHANGE_TYPE_DELETED: "deleted",
}


def variable_metadata(variable: variables_pb2.Variable) -> Dict[str, Any]:
    meta = variable.metadata
    return {
        "type": meta.type,
        "version": meta.version,
        "created_by": meta.created_by,
        "tags": list(meta.tags),
        "description": meta.description,
        "created_at": meta.created_at.ToDatetime() if meta.HasField("created_at") else None,
        "updated_at": meta.updated_at.ToDatetime() if meta.HasField("updated_at") else None,
    }


class SessionContext:
    """Everything a proxy tool needs from its session. `stub` and `session_id` are read
    from the client at each call, so a reconnect or a replaced stub is seen at once."""

    def __init__(self, client: "ToolBridgeClient") -> None:
        self._client = client

    @property
    def stub(self) -> Any:
        return self._client.stub

    @property
    def session_id(self) -> Optional[str]:
        return self._client.session_id

    async def _call(self, subject: str, method: str, request: Any) -> Any:
        return await self._client._unary(subject, method, request)

    async def set_variable(
        self,
        name: str,
        value: Any,
        *,
        type: str = "",  # noqa: A002 - the proto field's name
        tags: Iterable[str] = (),
        description: str = "",
        created_by: str = "python",
        expected_version: Optional[int] = None,
    ) -> int:
        """Creates or updates a variable; returns its new version. With
        expected_version the write happens only if the version still matches."""
        request = variables_pb2.SetVariableRequest(
            session_id=self.session_id or "",
            name=name,
            value=serialize_value(value),
            type=type,
            created_by=created_by,
            tags=list(tags),
            description=description,
        )
        if expected_version is not None:
            request.expected_version = expected_version
        response = await self._call(f"variable {name}", "SetVariable", request)
        return response.variable.metadata.version

    async def get_variable(self, name: str) -> Any:
        value, _ = await self.get_variable_with_metadata(name)
        return value

    async def get_variable_with_metadata(self, name: str) -> Tuple[Any, Dict[str, Any]]:
        request = variables_pb2.GetVariableRequest(session_id=self.session_id or "", name=name)
        response = await self._call(f"variable {name}", "GetVariable", request)
        return deserialize_value(response.variable.value), variable_metadata(response.variable)

    async def list_variables(self, prefix: str = "", tags: Iterable[str] = (), page_size: int = 0) -> Dict[str, Any]:
        """Every matching variable, name -> value, following the host's pages."""
        found: Dict[str, Any] = {}
        cursor = ""
        while True:
            request = variables_pb2.ListVariablesRequest(
                session_id=self.session_id or "", prefix=prefix, tags=list(tags), limit=page_size, cursor=cursor
            )
            response = await self._call("variables", "ListVariables", request)
            for variable in response.variables:
                found[variable.name] = deserialize_value(variable.value)
            cursor = response.next_cursor
            if not cursor:
                return found

    async def delete_variable(self, name: str, expected_version: Optional[int] = None) -> bool:
        request = variables_pb2.DeleteVariableRequest(session_id=self.session_id or "", name=name)
        if expected_version is not None:
            request.expected_version = expected_version
        response = await self._call(f"variable {name}", "DeleteVariable", request)
        return response.deleted

    async def watch(
        self, names: Iterable[str] = (), prefix: str = "", include_initial: bool = False
    ) -> AsyncIterator[Dict[str, Any]]:
        """Yields {"change", "name", "value", "version"} per change until the caller
        stops iterating or the session ends."""
        request = variables_pb2.WatchVariablesRequest(
            session_id=self.session_id or "", names=list(names), prefix=prefix, include_initial=include_initial
        )
        call = self.stub.WatchVariables(request)
        try:
            async for change in call:
                variable = change.variable
                yield {
                    "change": _CHANGE_TYPES.get(change.change_type, "unknown"),
                    "name": variable.name,
                    "value": deserialize_value(variable.value) if variable.HasField("value") else None,
                    "version": variable.metadata.version,
                }
        except grpc.RpcError as exc:
            raise error_from_rpc("variables", exc) from exc
        finally:
            cancel_call(call)
