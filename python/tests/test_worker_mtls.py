"""Python workers on a host with mutual TLS: the host hands its supervised workers a client
certificate in $TOOLBRIDGE_CLIENT_CERT / $TOOLBRIDGE_CLIENT_KEY (HostOptions.workerTls),
and the worker presents it on its stream and on its calls back into the host. Real TypeScript
host (run from source), certificates made by openssl for this run."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Dict, Optional

import grpc
import pytest

from toolbridge import GRPCToolBridge, ToolBridgeError
from toolbridge.worker import ToolContext, Worker, WorkerError, tool
from toolbridge.worker.environment_tls import (
    ENV_CLIENT_CERT,
    ENV_CLIENT_KEY,
    ENV_HOST_CA,
    credentials_from_environment,
)

REPO = Path(__file__).resolve().parents[2]
LOADER = REPO / "packages/host/src/workers/testing/register.mjs"
PY_WORKER = REPO / "examples/workers/python_worker.py"
WORKER_CN = "toolbridge-worker"
ALICE_TOKEN = "alice-token-0123456789"

# The host: mutual TLS, tokens and client certificates as principals, the worker's common name an admin
# (so its calls back reach the session of whichever caller it serves), one supervised Python worker.
HOST_SCRIPT = """
import { createHost } from "@toolbridge/host";
const c = JSON.parse(process.env.MTLS_HOST_CONFIG);
const host = await createHost({
  port: 0, host: "127.0.0.1", logLevel: "warn",
  tls: { ...c.tls, requireClientCert: true },
  auth: { tokens: { [c.aliceToken]: "alice" }, clientCertificates: true, admins: [c.workerCn] },
  workerTls: c.workerTls,
  workers: [{ command: "/usr/bin/python3", args: [c.worker], name: "py" }],
  workerOptions: { readyTimeoutMs: 20000 },
});
process.stdout.write(`toolbridge listening on ${host.address}\\n`);
host.shutdownOnSignals({ graceMs: 1000 });
"""


def _openssl(directory: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)


def _issue(directory: Path, name: str, cn: str, ca: str, extensions: str) -> Dict[str, str]:
    _openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}")
    (directory / f"{name}.ext").write_text(extensions)
    _openssl(
        directory, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{name}.crt", "-days", "1", "-sha256", "-extfile", f"{name}.ext",
    )
    return {"cert": (directory / f"{name}.crt").read_text(), "key": (directory / f"{name}.key").read_text()}


def _make_ca(directory: Path, name: str) -> str:
    _openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "1", "-subj", f"/CN={name}")
    return (directory / f"{name}.crt").read_text()


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Dict[str, object]:
    directory = tmp_path_factory.mktemp("mtls-certs")
    ca = _make_ca(directory, "test-ca")
    _make_ca(directory, "other-ca")
    client = "extendedKeyUsage=clientAuth\n"
    return {
        "ca": ca,
        "server": _issue(directory, "server", "localhost", "test-ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
        "worker": _issue(directory, "worker", WORKER_CN, "test-ca", client),
        "alice": _issue(directory, "alice", "alice", "test-ca", client),
        "stranger": _issue(directory, "stranger", "mallory", "other-ca", client),
    }


@pytest.fixture(scope="module")
def mtls_host(certs):
    config = {
        "tls": {**certs["server"], "ca": certs["ca"]},
        "workerTls": certs["worker"],
        "workerCn": WORKER_CN,
        "aliceToken": ALICE_TOKEN,
        "worker": str(PY_WORKER),
    }
    # Keys go to the host in its environment, as the host hands them on to its workers.
    proc = subprocess.Popen(
        ["node", "--import", str(LOADER), "--input-type=module", "-e", HOST_SCRIPT],
        cwd=REPO,
        env={**os.environ, "MTLS_HOST_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: "queue.Queue[Optional[str]]" = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    address = ""
    while not address:
        line = lines.get(timeout=60)
        if line is None:
            raise RuntimeError("mTLS host exited before it was ready")
        if line.startswith("toolbridge listening on "):
            address = line.rsplit(" ", 1)[1]
    yield address
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _alice(certs, address: str) -> GRPCToolBridge:
    alice = certs["alice"]
    credentials = grpc.ssl_channel_credentials(
        root_certificates=certs["ca"].encode(), private_key=alice["key"].encode(), certificate_chain=alice["cert"].encode()
    )
    return GRPCToolBridge(address, credentials=credentials, auth_token=ALICE_TOKEN, timeout_ms=10000)


def test_a_client_certificate_needs_its_key_and_the_reverse():
    with pytest.raises(ToolBridgeError) as no_key:
        credentials_from_environment({ENV_CLIENT_CERT: "PEM"})
    assert no_key.value.code == "InvalidArgument"
    assert f"{ENV_CLIENT_KEY} is not" in str(no_key.value)
    with pytest.raises(ToolBridgeError, match=f"{ENV_CLIENT_CERT} is not"):
        credentials_from_environment({ENV_CLIENT_KEY: "PEM"})
    assert credentials_from_environment({}) is None


async def test_supervised_python_worker_serves_and_calls_back_with_the_host_given_certificate(certs, mtls_host):
    bridge = _alice(certs, mtls_host)
    try:
        await bridge.initialize("py-mtls")
        assert await bridge.execute_tool("add", a=4, b=5) == 9
        # Tool context: set and get a session variable through the host, authenticated by the worker certificate.
        assert await bridge.execute_tool("remember", name="n", value="v") == "v"
    finally:
        await bridge.close()


def _worker_env(monkeypatch, certs, pem: Dict[str, str]) -> None:
    monkeypatch.setenv(ENV_HOST_CA, certs["ca"])
    monkeypatch.setenv(ENV_CLIENT_CERT, pem["cert"])
    monkeypatch.setenv(ENV_CLIENT_KEY, pem["key"])


@tool
async def mtls_session_echo(text: str, ctx: ToolContext) -> str:
    """Echoes text with the session it ran in.

    Args:
        text: anything.
    """
    return f"{ctx.session_id}:{text}"


async def test_a_worker_presents_the_certificate_from_its_environment(certs, mtls_host, monkeypatch):
    _worker_env(monkeypatch, certs, certs["worker"])
    bridge = _alice(certs, mtls_host)
    await bridge.initialize("py-mtls-own")
    worker = Worker(mtls_host, [mtls_session_echo], session_id="py-mtls-own", worker_id="in-process-mtls")
    serving = asyncio.ensure_future(worker.serve())
    try:
        await asyncio.wait_for(worker.ready.wait(), 10)
        await bridge.refresh_tools()
        assert await bridge.execute_tool("mtls_session_echo", text="hi") == "py-mtls-own:hi"
    finally:
        await worker.stop(1)
        await asyncio.wait_for(serving, 10)
        await bridge.close()


async def test_a_worker_certificate_from_another_ca_is_refused(certs, mtls_host, monkeypatch):
    _worker_env(monkeypatch, certs, certs["stranger"])
    worker = Worker(mtls_host, [mtls_session_echo], session_id="py-mtls-stranger", worker_id="stranger")
    with pytest.raises(ToolBridgeError) as refused:
        await asyncio.wait_for(worker.serve(), 20)
    # The handshake fails: a transport failure, as for any client the host's mTLS refuses.
    assert refused.value.code == "Unavailable", refused.value
    assert not worker.ready.is_set()
