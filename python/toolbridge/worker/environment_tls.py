"""TLS of a worker that was not given credentials, from the variables a host sets for the
processes it starts: trust $TOOLBRIDGE_HOST_CA, present $TOOLBRIDGE_CLIENT_CERT /
$TOOLBRIDGE_CLIENT_KEY (PEM) as the client certificate for a host with mutual TLS."""

from __future__ import annotations

import os
from typing import Mapping, Optional

import grpc

from toolbridge.errors import ToolBridgeError

# PEM of the CA that signed a TLS host's certificate.
ENV_HOST_CA = "TOOLBRIDGE_HOST_CA"
# PEM client certificate (and intermediates) and its private key.
ENV_CLIENT_CERT = "TOOLBRIDGE_CLIENT_CERT"
ENV_CLIENT_KEY = "TOOLBRIDGE_CLIENT_KEY"


def credentials_from_environment(env: Optional[Mapping[str, str]] = None) -> Optional[grpc.ChannelCredentials]:
    """None (plaintext) when none of the variables is set. A certificate without its key, or
    the reverse, raises ToolBridgeError InvalidArgument rather than a handshake the host refuses."""
    values = os.environ if env is None else env
    ca = values.get(ENV_HOST_CA, "")
    cert = values.get(ENV_CLIENT_CERT, "")
    key = values.get(ENV_CLIENT_KEY, "")
    if bool(cert) != bool(key):
        present, missing = (ENV_CLIENT_CERT, ENV_CLIENT_KEY) if cert else (ENV_CLIENT_KEY, ENV_CLIENT_CERT)
        raise ToolBridgeError(
            "InvalidArgument", f"{present} is set but {missing} is not: a client certificate needs both"
        )
    if not ca and not cert:
        return None
    return grpc.ssl_channel_credentials(
        root_certificates=ca.encode() if ca else None,
        private_key=key.encode() if key else None,
        certificate_chain=cert.encode() if cert else None,
    )
