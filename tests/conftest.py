"""Fixtures: real SQLite and PostgreSQL, a fixed clock, the app, a live server, chat clients."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import Settings, load_settings
from storage import migrate
from tests.support.conformance import card_problems
from tests.support.databases import (
    SKIP_REASON,
    TEST_SURVEY_SECRET,
    fresh_sqlite,
    migrated_sqlite_template,
    postgres_base_url,
    throwaway_postgres,
    truncate_postgres,
)
from tests.support.server import live_server
from tests.support.webchat import ChatClient

pytest_plugins = ["tests.support.slack_fixtures"]
os.environ.setdefault("STAFET_SURVEY_SECRET", TEST_SURVEY_SECRET)

# Monday 23 November 2026, 09:00 in Copenhagen: a working morning.
START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip(SKIP_REASON)
    with throwaway_postgres(base) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return fresh_sqlite(sqlite_template, tmp_path)
    url = request.getfixturevalue("postgres_session_url")
    truncate_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """For tests where the database engine does not matter."""
    return fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture(autouse=True)
def cards_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Adaptive Card any test renders is checked against the Adaptive Card 1.5 schema."""
    from bot.adapters.teams import render

    produced: list[dict[str, Any]] = []

    def keep(make: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def made(*args: Any) -> dict[str, Any]:
            produced.append(make(*args))
            return produced[-1]

        return made

    monkeypatch.setattr(render, "card", keep(render.card))
    monkeypatch.setattr(render, "answered_card", keep(render.answered_card))
    yield
    assert [problem for card in produced for problem in card_problems(card)] == []


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(STAFET_DATABASE_URL=db_url, STAFET_DEFAULT_LANGUAGE="en", STAFET_SCHEDULER=False)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> FastAPI:
    """The whole app with a fixed clock; delivery runs when a test calls `deliver`."""
    return create_app(settings, clock=clock, background=False)


@pytest.fixture
async def server(app: FastAPI) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


@pytest.fixture
async def http(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server, timeout=10) as client:
        yield client


@pytest.fixture
def chat(http: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    """`chat("anna@example.org")` gives a client speaking as Anna."""

    def make(user: str, name: str | None = None) -> ChatClient:
        return ChatClient(http, user, name)

    return make


@pytest.fixture
def deliver(app: FastAPI):  # type: ignore[no-untyped-def]
    """Run one delivery round of the outbox, as the background worker would."""

    async def run() -> int:
        return await app.state.worker.run_once()

    return run
