"""Test helper for parity.spec.ts: which error the Python client raises for each case.

Reads {"cases": [...]} as JSON on stdin and prints {id: {"cls", "family", "error_type"}}.
A case is either a failed gRPC call, {"id", "kind": "status", "grpc_code", "text",
"trailer_b64"} (the grpc-status-details-bin bytes the TypeScript side built, or
null for a bare status), or an ErrorInfo in a response, {"id", "kind": "response",
"type", "message"}. Run with /usr/bin/python3 and PYTHONPATH=<repo>/python.
"""

import base64
import json
import sys

import grpc

from toolbridge.errors import ProtocolError, ToolCommunicationError, ToolExecutionError
from toolbridge.failures import error_from_info, error_from_rpc
from toolbridge.status_details import STATUS_DETAILS_KEY
from toolbridge.v1.errors_pb2 import ErrorInfo

TOOL = "parity_tool"


class FailedCall(grpc.RpcError):
    """A finished call's failure as grpc.aio reports it: code, details, trailers."""

    def __init__(self, code, text, trailers):
        super().__init__(text)
        self._code, self._text, self._trailers = code, text, trailers

    def code(self):
        return self._code

    def details(self):
        return self._text

    def trailing_metadata(self):
        return self._trailers


def status_code(number):
    return next(code for code in grpc.StatusCode if code.value[0] == number)


def family(error):
    for cls in (ToolExecutionError, ToolCommunicationError, ProtocolError):
        if isinstance(error, cls):
            return cls.__name__
    return type(error).__name__


def outcome(case):
    if case["kind"] == "response":
        return error_from_info(TOOL, ErrorInfo(type=case["type"], message=case["message"]))
    trailers = ()
    if case["trailer_b64"] is not None:
        trailers = ((STATUS_DETAILS_KEY, base64.b64decode(case["trailer_b64"])),)
    return error_from_rpc(TOOL, FailedCall(status_code(case["grpc_code"]), case["text"], trailers))


def main():
    report = {}
    for case in json.load(sys.stdin)["cases"]:
        error = outcome(case)
        report[case["id"]] = {"cls": type(error).__name__, "family": family(error), "error_type": error.error_type}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
