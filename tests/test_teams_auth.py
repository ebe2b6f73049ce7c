"""With an app id configured, /api/messages only serves requests with a valid Bot Framework token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from bot.adapters.teams.signing_keys import FAILURE_MEMORY, SigningKeys, SigningKeysUnavailable
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from storage.models import ConversationRef, Person
from storage.models.platform_events import ProcessedEvent
from tests.support.server import live_server
from tests.support.teams import TENANT, FakeKeyEndpoint, TeamsUser, fake_key_endpoint

APP_ID = "00000000-0000-4000-8000-00000000b07a"


@pytest.fixture(params=["multi-tenant", "single-tenant"])
async def secured(
    request: pytest.FixtureRequest, db_url: str, clock: FixedClock
) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    tenant = TENANT if request.param == "single-tenant" else ""
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_SCHEDULER=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-a-real-secret",
        MICROSOFT_APP_TENANT_ID=tenant,
    )
    app = create_app(settings, clock=clock, background=False)
    async with live_server(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield http, app


async def test_requests_without_a_valid_token_are_refused_and_nothing_is_stored(secured) -> None:  # type: ignore[no-untyped-def]
    http, app = secured
    anna = TeamsUser(http, "http://127.0.0.1:9/", "29:anna", "Anna")
    forged = jwt.encode(
        {"iss": "https://attacker.example", "aud": APP_ID},
        "a-guessed-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": f"Bearer {forged}"}):
        response = await anna.post(anna.activity("message", text="hi"), headers=headers)
        assert response.status_code == 401, headers
    health = (await http.get("/healthz")).json()
    assert health["teams"] == {"mode": "authenticated"}
    async with app.state.context.db.unit_of_work() as session:  # type: ignore[attr-defined]
        for model in (Person, ConversationRef, ProcessedEvent):
            assert await session.scalar(select(func.count()).select_from(model)) == 0


def test_incomplete_teams_credentials_are_named() -> None:
    with pytest.raises(ConfigError, match="MICROSOFT_APP_PASSWORD"):
        load_settings(MICROSOFT_APP_ID=APP_ID)
    with pytest.raises(ConfigError, match="MICROSOFT_APP_TENANT_ID"):
        load_settings(MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="s", MICROSOFT_APP_TYPE="SingleTenant")


@pytest.fixture
async def keys() -> AsyncIterator[FakeKeyEndpoint]:
    async with fake_key_endpoint() as endpoint:
        yield endpoint
        endpoint.release()


async def test_a_hanging_key_endpoint_holds_up_nothing_else_and_its_failure_is_remembered(
    db_url: str, clock: FixedClock, keys: FakeKeyEndpoint
) -> None:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_SCHEDULER=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-a-real-secret",
        MICROSOFT_OPENID_METADATA_URL=f"{keys.url}/openid",
    )
    app = create_app(settings, clock=clock, background=False)
    keys.mode = "hang"
    async with live_server(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        anna = TeamsUser(http, "http://127.0.0.1:9/", "29:anna", "Anna")
        signed = {"Authorization": f"Bearer {keys.token(APP_ID)}"}
        waiting = asyncio.create_task(anna.post(anna.activity("message", text="hi"), headers=signed))
        await asyncio.wait_for(keys.asked.wait(), 30)
        async with asyncio.timeout(2):  # the server answers others while the key fetch hangs
            assert (await http.get("/healthz")).status_code == 200
        assert not waiting.done()
        keys.release()  # the endpoint gives up with a 500
        assert (await waiting).status_code == 503
        asked = keys.requests
        again = await anna.post(anna.activity("message", text="hi"), headers=signed)
        assert again.status_code == 503
        assert keys.requests == asked  # a failure a moment ago is not retried on every request
        keys.mode = "serve"
        clock.advance(FAILURE_MEMORY + timedelta(seconds=1))
        forged = keys.token(APP_ID, key=rsa.generate_private_key(65537, 2048))
        refused = await anna.post(
            anna.activity("message", text="hi"), headers={"Authorization": f"Bearer {forged}"}
        )
        assert refused.status_code == 401  # the keys are read again, and the forgery checked with them
        assert keys.requests == asked + 2


async def test_a_key_fetch_that_hangs_gives_up_within_its_time_limit(
    clock: FixedClock, keys: FakeKeyEndpoint
) -> None:
    keys.mode = "hang"
    signing_keys = SigningKeys(f"{keys.url}/openid", clock, timeout=0.2)
    async with asyncio.timeout(5):
        with pytest.raises(SigningKeysUnavailable):
            await signing_keys.get("stafet-test-key")
