"""Fixtures for the web layer: sandboxes owned by named visitors, sockets that speak as them.

The ticker is off here (CLUSTERLAB_TICKER=False): tests move the clock themselves,
so every run sees the same steps. The browser tests (tests/e2e) run it for real.
"""

import asyncio
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from cluster_sim import sandboxes
from cluster_sim.live.hub import hub
from clusterlab.asgi import application

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def _no_ticker_and_a_fresh_hub(settings):
    settings.CLUSTERLAB_TICKER = False
    hub.forget()
    yield
    hub.forget()


def new_session() -> str:
    session = SessionStore()
    session.create()
    return session.session_key


def make_sandbox(preset: str = "empty-3"):
    """(session key, sandbox) for a new visitor."""
    key = new_session()
    return key, sandboxes.create_sandbox(key, preset)


def socket_for(sandbox_id: str, session_key: str | None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/playground/{sandbox_id}/", headers=headers)


async def receive_until(communicator, pattern: str, timeout: float = 3.0) -> str:
    """Messages until one matches `pattern` (a regex); returns all of them joined."""
    seen = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(
                f"no message matched {pattern!r}; got:\n" + "\n".join(seen)[-3000:]
            )
        message = await communicator.receive_from(timeout=remaining)
        seen.append(message)
        if re.search(pattern, message):
            return "\n".join(seen)


async def assert_refused(communicator) -> None:
    """The socket is accepted, then closed with 4403 (which the page explains)."""
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
    await communicator.wait()


async def drain(communicator, quiet: float = 0.1) -> str:
    """Everything the socket has to say until it stays quiet for `quiet` seconds."""
    seen = []
    while not await communicator.receive_nothing(timeout=quiet):
        seen.append(await communicator.receive_from())
    return "\n".join(seen)


@pytest.fixture
def visitor(db):
    return make_sandbox


async_make_sandbox = database_sync_to_async(make_sandbox)
