"""Property-based run of the whole API from its OpenAPI document, with every schemathesis check.

No input makes it fail with a 5xx, and every status, header and body it answers is one the document
lists: an undocumented status fails the build."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks, max_response_time, negative_data_rejection
from schemathesis.config import SchemathesisConfig

from bot.admin.roles import CLI, Role
from bot.admin.tokens import TokenService
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.context import AppContext
from tests.conftest import START
from tests.support.admin import admin_settings
from tests.support.campaigns import start_campaign
from tests.support.surveys import add_people, open_wave

# A well-formed request may still name what does not exist (404), come at the wrong time (409) or
# break a rule no schema can state, such as an unknown track or a CSV row without an email (422).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}
        }
    }
)
# Left out: response time, which measures the machine's load rather than the API. And for the CSV
# upload, rejecting "schema-violating" bodies: a body schemathesis calls an integer, such as 5979,
# is on the wire the same text as a valid CSV string.
LEFT_OUT = (max_response_time,)
CSV_UPLOAD = "POST /people/import"
EXAMPLES = 4  # per operation and mode: bounded so the run stays well under a minute


async def _hr_token(config: Settings) -> str:
    from storage.database import Database

    database = Database(config.database_url)
    try:
        async with database.unit_of_work() as session:
            return (await TokenService(session, FixedClock(START)).create(CLI, "fuzzer", Role.HR)).secret
    finally:
        await database.dispose()


async def _something_to_find(context: AppContext) -> None:
    """Campaign 1 is active and wave 1 open, so small ids reach the 409 answers too."""
    await start_campaign(context)
    await add_people(context, {("A", "employee"): 6})
    await open_wave(context, "digital-confidence")
    await context.db.dispose()  # its connections belong to this loop, not the server's


@pytest.fixture
def api_server(sqlite_url: str) -> Iterator[tuple[str, str]]:
    """The app on a real port in its own thread and event loop (schemathesis calls it synchronously)."""
    config = admin_settings(sqlite_url)
    token = asyncio.run(_hr_token(config))
    app = create_app(config, clock=FixedClock(START), background=False)
    asyncio.run(_something_to_find(app.state.context))
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


def test_the_api_answers_only_what_its_document_says(api_server: tuple[str, str]) -> None:
    url, token = api_server
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    load_all_checks()
    for operation in operations:
        left_out = (*LEFT_OUT, negative_data_rejection) if operation.label == CSV_UPLOAD else LEFT_OUT
        checks = [check for check in CHECKS.get_all() if check not in left_out]
        for mode in GenerationMode:
            _conforms(operation, mode, checks, f"{url}/api/v1", token)


def _conforms(operation: Any, mode: GenerationMode, checks: list[Any], base_url: str, token: str) -> None:
    """Generated requests, with the token and without, answered as the document says."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def conforms(case) -> None:  # type: ignore[no-untyped-def]
        for headers in ({"Authorization": f"Bearer {token}"}, {}):
            response = case.call(base_url=base_url, headers=headers)
            case.validate_response(response, checks=checks, headers=headers)
            assert response.status_code < 500, (case.operation.label, response.status_code)

    conforms()
