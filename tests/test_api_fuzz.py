"""Property-based run of the whole API from its OpenAPI document: no input makes it fail with a 5xx."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from bot.admin.roles import CLI, Role
from bot.admin.tokens import TokenService
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import Settings
from tests.conftest import START
from tests.support.admin import admin_settings

EXAMPLES = 15  # per operation: bounded so CI stays fast


async def _hr_token(config: Settings) -> str:
    from storage.database import Database

    database = Database(config.database_url)
    try:
        async with database.unit_of_work() as session:
            return (await TokenService(session, FixedClock(START)).create(CLI, "fuzzer", Role.HR)).secret
    finally:
        await database.dispose()


@pytest.fixture
def api_server(sqlite_url: str) -> Iterator[tuple[str, str]]:
    """The app on a real port in its own thread and event loop (schemathesis calls it synchronously)."""
    config = admin_settings(sqlite_url)
    token = asyncio.run(_hr_token(config))
    app = create_app(config, clock=FixedClock(START), background=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", token
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_no_input_makes_the_api_fail(api_server: tuple[str, str]) -> None:
    url, token = api_server
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def no_server_error(case) -> None:  # type: ignore[no-untyped-def]
            for headers in ({"Authorization": f"Bearer {token}"}, {}):
                response = case.call(base_url=f"{url}/api/v1", headers=headers)
                case.validate_response(response, checks=[not_a_server_error])
                assert response.status_code < 500, (case.operation.label, response.status_code)

        no_server_error()
