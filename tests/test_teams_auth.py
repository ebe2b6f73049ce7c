"""With an app id configured, /api/messages only serves requests with a valid Bot Framework token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from storage.models import ConversationRef, Person
from storage.models.platform_events import ProcessedEvent
from tests.support.server import live_server
from tests.support.teams import TENANT, TeamsUser

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
