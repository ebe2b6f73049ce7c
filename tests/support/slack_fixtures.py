"""Fixtures for Slack adapter tests: the fake Web API, the app wired to it, a signed sender."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from tests.support.server import live_server
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackSender, fake_slack_server

Payload = Callable[[str], dict[str, Any]]
Settle = Callable[[], Awaitable[None]]
PAYLOADS = Path(__file__).resolve().parent.parent / "payloads" / "slack"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_user("U0ANNA", "anna@example.org", "Anna Holm", tz="Europe/Copenhagen", locale="da-DK")
    fake.add_user("U0BO", "bo@example.org", "Bo Berg")
    async with fake_slack_server(fake):
        yield fake
    assert fake.refused == [], "Block Kit that Slack would refuse"


@pytest.fixture
def slack_app(db_url: str, clock: FixedClock, fake_slack: FakeSlack) -> FastAPI:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
    )
    return create_app(settings, clock=clock, background=False)


@pytest.fixture
async def slack(slack_app: FastAPI) -> AsyncIterator[SlackSender]:
    async with live_server(slack_app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield SlackSender(http)


@pytest.fixture
def settle(slack_app: FastAPI) -> Settle:
    """Wait for the turns running after their acks."""

    async def run() -> None:
        await slack_app.state.slack.work.idle()

    return run


@pytest.fixture
def payload() -> Payload:
    """A recorded payload from tests/payloads/slack/, fresh each time."""

    def load(name: str) -> dict[str, Any]:
        return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8")))

    return load
