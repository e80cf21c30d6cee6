"""Python side of python-client.spec.ts: TLS + bearer token against a secured host.

Reads {address, ca, token, session} as JSON on stdin; prints JSON with what it saw.
"""
import asyncio
import json
import sys

import grpc

from toolbridge import GRPCToolBridge, ToolBridgeError


async def attempt(address, credentials, token, session):
    bridge = GRPCToolBridge(address, credentials=credentials, auth_token=token, timeout_ms=5000)
    try:
        tools = await asyncio.wait_for(bridge.initialize(session), 10)
        return {"ok": await tools["echo"](value=session)}
    except ToolBridgeError as error:
        return {"error": error.error_type}
    except asyncio.TimeoutError:
        return {"error": "hung"}
    finally:
        await bridge.close()


async def main():
    cfg = json.load(sys.stdin)
    tls = grpc.ssl_channel_credentials(root_certificates=cfg["ca"].encode())
    print(json.dumps({
        "good": await attempt(cfg["address"], tls, cfg["token"], cfg["session"]),
        "bad_token": await attempt(cfg["address"], tls, "not-the-token-0000000", cfg["session"] + "-x"),
        "no_tls": await attempt(cfg["address"], None, cfg["token"], cfg["session"] + "-y"),
    }))


asyncio.run(main())
